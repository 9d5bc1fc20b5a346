/**
 * Watches the store's own rolling bounce and complaint rates (30 days) and holds nudges before
 * the mail provider would review the sender. It resumes by itself when the rate falls, or when an
 * owner clears it (only bounces and complaints after the clear count then). Owners are told when
 * a hold starts. The figures are cached briefly: a burst of wake-ups reads them once.
 *
 * The figures are per-day tallies every audit write keeps (domain/health-tally.ts), never a read
 * of the audit rows themselves: a refresh reads at most 31 small items whatever the volume.
 *
 * Per lane (domain/sender-health.ts assessLanes): the browser lane's sends, bounces and
 * complaints are those of its carts (`web_…`; an SES bounce finds its cart by the reminder's
 * Message-ID, lambda/ses-feedback.ts). It holds on those alone, first; the signed
 * lanes are judged on everything else, so a stranger feeding the snippet dead addresses pauses
 * only the snippet. Bounces no cart claims count against the signed lanes, as before.
 */
import { type Actor, AuditAction, type AuditEntry, auditEntry, SYSTEM } from '../domain/audit.ts';
import { baselineOf, sumTallies, tallyDay, tallyDays } from '../domain/health-tally.ts';
import { Lane } from '../domain/lane.ts';
import { DAY } from '../domain/policy.ts';
import {
  assessLanes,
  BROWSER_LANE_LIMITS,
  DEFAULT_SENDER_LIMITS,
  type SenderHealth,
  type SenderLimits,
} from '../domain/sender-health.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { HealthTallies } from '../ports/health-tallies.ts';
import { type Log, silentLog } from '../ports/log.ts';
import type { Mailer } from '../ports/mailer.ts';

export interface SenderHealthDeps {
  /** Where hold starts, ends and clears are audited (and so tallied). */
  readonly store: CartStore;
  /** The per-day figures every audit write keeps (domain/health-tally.ts). */
  readonly tallies: HealthTallies;
  readonly clock: Clock;
  /** Tells the owners a hold of `lane` started (email to CR_REPORT_TO, a log line). */
  readonly notify: (
    health: Extract<SenderHealth, { verdict: 'hold' }>,
    lane: Lane,
  ) => Promise<void>;
  readonly windowMs?: number;
  readonly cacheMs?: number;
  readonly limits?: SenderLimits;
  readonly browserLimits?: SenderLimits;
  /** A line for each change of a lane's verdict (ok to hold and back); silent when absent. */
  readonly log?: Log;
}

export interface LaneStatus {
  readonly health: SenderHealth;
  readonly sent: number;
  readonly bounced: number;
  readonly complained: number;
}

/** The signed lanes at the top level (what holds the store's own reminders), the browser lane beside. */
export interface SenderStatus extends LaneStatus {
  readonly since: number;
  readonly browserLane: LaneStatus;
}

/** Audit actions that record a lane's hold starting and ending. */
const TRANSITIONS = {
  [Lane.signed]: { paused: AuditAction.senderPaused, resumed: AuditAction.senderResumed },
  [Lane.browser]: { paused: AuditAction.snippetPaused, resumed: AuditAction.snippetResumed },
} as const;

export function createSenderHealth(deps: SenderHealthDeps) {
  const { store, tallies, clock } = deps;
  const windowMs = deps.windowMs ?? 30 * DAY;
  const cacheMs = deps.cacheMs ?? 5 * 60_000;
  const limits = deps.limits ?? DEFAULT_SENDER_LIMITS;
  const browserLimits = deps.browserLimits ?? BROWSER_LANE_LIMITS;
  const log = deps.log ?? silentLog;
  let cached: { at: number; status: SenderStatus } | null = null;
  let lastVerdict: Record<Lane, SenderHealth['verdict']> | null = null;

  async function measure(now: number): Promise<SenderStatus> {
    const from = now - windowMs;
    const { first, last } = tallyDays(from, now + 1);
    const { counts, clearedAt, marks } = sumTallies(await tallies.between(first, last));
    // The window is whole UTC days (at most 31 tally items); a clear moves its start.
    const since = Math.max(from, clearedAt ?? from);
    const browser = counts.browser;
    const all = {
      sent: counts.signed.sent + browser.sent,
      bounced: counts.signed.bounced + browser.bounced,
      complained: counts.signed.complained + browser.complained,
    };
    const lanes = assessLanes({ all, browser }, limits, browserLimits);
    if (lastVerdict === null) {
      const held = (paused: number, resumed: number) => (paused > resumed ? 'hold' : 'ok');
      lastVerdict = {
        signed: held(marks.sender_paused, marks.sender_resumed),
        browser: held(marks.snippet_paused, marks.snippet_resumed),
      };
    }
    return {
      health: lanes.signed,
      ...lanes.signedCounts,
      since,
      browserLane: { health: lanes.browser, ...browser },
    };
  }

  async function record(
    action: AuditAction,
    actor: Actor,
    reason: string,
    now: number,
    detail: AuditEntry['detail'] = null,
  ) {
    await store.appendAudit([auditEntry({ action, actor, at: now, reason, detail })]);
  }

  async function noteTransition(lane: Lane, health: SenderHealth, now: number) {
    const known = lastVerdict ?? { signed: 'ok', browser: 'ok' };
    if (health.verdict === known[lane]) return;
    lastVerdict = { ...known, [lane]: health.verdict };
    const { paused, resumed } = TRANSITIONS[lane];
    const fields = {
      lane,
      from: known[lane],
      to: health.verdict,
      reason: health.verdict === 'hold' ? health.reason : null,
      bounceRate: health.bounceRate,
      complaintRate: health.complaintRate,
    };
    if (health.verdict === 'hold') log.warn('sender_health.changed', fields);
    else log.info('sender_health.changed', fields);
    if (health.verdict === 'hold') {
      await record(paused, SYSTEM, health.message, now);
      await deps.notify(health, lane);
    } else {
      await record(resumed, SYSTEM, 'bounce and complaint rates are back under the limits', now);
    }
  }

  async function status(now = clock.now()): Promise<SenderStatus> {
    if (cached !== null && now - cached.at < cacheMs && now >= cached.at) return cached.status;
    const current = await measure(now);
    cached = { at: now, status: current };
    await noteTransition(Lane.signed, current.health, now);
    await noteTransition(Lane.browser, current.browserLane.health, now);
    return current;
  }

  return {
    status,
    /** The signed lanes hold on their own figures; the browser lane on its own or theirs. */
    async isPaused(now: number, lane: Lane = Lane.signed): Promise<boolean> {
      const current = await status(now);
      const signedHeld = current.health.verdict === 'hold';
      if (lane === Lane.signed) return signedHeld;
      return signedHeld || current.browserLane.health.verdict === 'hold';
    },
    /** An owner says the cause is fixed: only bounces and complaints from now on count. */
    async clear(actor: Actor): Promise<SenderStatus> {
      const now = clock.now();
      // The day's counts so far are the clear's baseline: only what comes after it counts.
      const today = tallyDay(now);
      const [tally] = await tallies.between(today, today);
      await record(
        AuditAction.senderCleared,
        actor,
        'owner cleared the hold',
        now,
        baselineOf(tally),
      );
      cached = null;
      return status(now);
    },
  };
}

export type SenderHealthMonitor = ReturnType<typeof createSenderHealth>;

/**
 * Tells the owners (CR_REPORT_TO) that every reminder is on hold, and how to resume. The log line
 * is the monitor's own (`sender_health.changed`), written whether or not anyone is mailed.
 */
export function notifyOwners(deps: {
  readonly mailer: () => Mailer;
  readonly clock: Clock;
  readonly reportTo: readonly string[];
  readonly from: string;
  readonly storeName: string;
  readonly publicUrl: string;
}): SenderHealthDeps['notify'] {
  const host = new URL(deps.publicUrl).hostname;
  return async (health, lane) => {
    const browser = lane === Lane.browser;
    const what = browser ? 'storefront-snippet reminders' : 'cart reminders';
    const message = browser
      ? `Storefront snippet: ${health.message.replace('reminders are on hold', 'its reminders are on hold')} Reminders for carts from your store's own webhooks go on.`
      : health.message;
    for (const to of deps.reportTo) {
      await deps.mailer().send({
        to,
        from: deps.from,
        subject: `${deps.storeName}: ${what} are on hold`,
        text: `${message}\n\nReminders resume by themselves when the rate falls; or, once the cause is fixed, clear the hold: POST ${deps.publicUrl}/owner/api/sender-health/clear`,
        html: `<p>${message}</p><p>Reminders resume by themselves when the rate falls; or, once the cause is fixed, clear the hold from the owner API.</p>`,
        headers: {},
        messageId: `<cr.sender-health.${lane}.${deps.clock.now()}@${host}>`,
      });
    }
  };
}
