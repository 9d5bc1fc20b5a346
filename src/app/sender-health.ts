/**
 * Watches the store's own rolling bounce and complaint rates (30 days) and holds every nudge
 * before the mail provider would review the sender. It resumes by itself when the rate falls, or
 * when an owner clears it (only bounces and complaints after the clear count then). Owners are
 * told when a hold starts. The figures are cached briefly: a burst of wake-ups reads them once.
 */
import { type Actor, AuditAction, SYSTEM } from '../domain/audit.ts';
import { DAY } from '../domain/policy.ts';
import {
  assessSenderHealth,
  DEFAULT_SENDER_LIMITS,
  type SenderHealth,
  type SenderLimits,
} from '../domain/sender-health.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Mailer } from '../ports/mailer.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';

export interface SenderHealthDeps {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  readonly clock: Clock;
  /** Tells the owners a hold started (email to CR_REPORT_TO, a log line). */
  readonly notify: (health: Extract<SenderHealth, { verdict: 'hold' }>) => Promise<void>;
  readonly windowMs?: number;
  readonly cacheMs?: number;
  readonly limits?: SenderLimits;
}

export interface SenderStatus {
  readonly health: SenderHealth;
  readonly sent: number;
  readonly bounced: number;
  readonly complained: number;
  readonly since: number;
}

export function createSenderHealth(deps: SenderHealthDeps) {
  const { store, unsubscribes, clock } = deps;
  const windowMs = deps.windowMs ?? 30 * DAY;
  const cacheMs = deps.cacheMs ?? 5 * 60_000;
  const limits = deps.limits ?? DEFAULT_SENDER_LIMITS;
  let cached: { at: number; status: SenderStatus } | null = null;
  let lastVerdict: SenderHealth['verdict'] | null = null;

  async function measure(now: number): Promise<SenderStatus> {
    const from = now - windowMs;
    const [sends, clears, pauses, resumes] = await Promise.all([
      store.auditTimes(AuditAction.reminderSent, from, now + 1),
      store.auditTimes(AuditAction.senderCleared, from, now + 1),
      store.auditTimes(AuditAction.senderPaused, from, now + 1),
      store.auditTimes(AuditAction.senderResumed, from, now + 1),
    ]);
    const since = Math.max(from, clears.at(-1) ?? from);
    const sent = sends.filter((at) => at >= since).length;
    const blocks = await unsubscribes.countBetween(since, now + 1);
    const health = assessSenderHealth(
      { sent, bounced: blocks.bounced, complained: blocks.complained },
      limits,
    );
    if (lastVerdict === null)
      lastVerdict = (pauses.at(-1) ?? 0) > (resumes.at(-1) ?? 0) ? 'hold' : 'ok';
    return { health, sent, bounced: blocks.bounced, complained: blocks.complained, since };
  }

  async function record(action: AuditAction, actor: Actor, reason: string, now: number) {
    await store.appendAudit([
      {
        cartId: null,
        email: null,
        action,
        actor,
        at: now,
        reason,
        detail: null,
        before: null,
        after: null,
      },
    ]);
  }

  async function status(now = clock.now()): Promise<SenderStatus> {
    if (cached !== null && now - cached.at < cacheMs && now >= cached.at) return cached.status;
    const current = await measure(now);
    cached = { at: now, status: current };
    const verdict = current.health.verdict;
    if (verdict !== lastVerdict) {
      lastVerdict = verdict;
      if (current.health.verdict === 'hold') {
        await record(AuditAction.senderPaused, SYSTEM, current.health.message, now);
        await deps.notify(current.health);
      } else {
        await record(
          AuditAction.senderResumed,
          SYSTEM,
          'bounce and complaint rates are back under the limits',
          now,
        );
      }
    }
    return current;
  }

  return {
    status,
    async isPaused(now: number): Promise<boolean> {
      return (await status(now)).health.verdict === 'hold';
    },
    /** An owner says the cause is fixed: only bounces and complaints from now on count. */
    async clear(actor: Actor): Promise<SenderStatus> {
      const now = clock.now();
      await record(AuditAction.senderCleared, actor, 'owner cleared the hold', now);
      cached = null;
      return status(now);
    },
  };
}

export type SenderHealthMonitor = ReturnType<typeof createSenderHealth>;

/** Tells the owners (CR_REPORT_TO, and the log) that every reminder is on hold, and how to resume. */
export function notifyOwners(deps: {
  readonly mailer: () => Mailer;
  readonly clock: Clock;
  readonly reportTo: readonly string[];
  readonly from: string;
  readonly storeName: string;
  readonly publicUrl: string;
}): SenderHealthDeps['notify'] {
  const host = new URL(deps.publicUrl).hostname;
  return async (health) => {
    console.warn(`[sender health] ${health.message}`);
    for (const to of deps.reportTo) {
      await deps.mailer().send({
        to,
        from: deps.from,
        subject: `${deps.storeName}: cart reminders are on hold`,
        text: `${health.message}\n\nReminders resume by themselves when the rate falls; or, once the cause is fixed, clear the hold: POST ${deps.publicUrl}/owner/api/sender-health/clear`,
        html: `<p>${health.message}</p><p>Reminders resume by themselves when the rate falls; or, once the cause is fixed, clear the hold from the owner API.</p>`,
        headers: {},
        messageId: `<cr.sender-health.${deps.clock.now()}@${host}>`,
      });
    }
  };
}
