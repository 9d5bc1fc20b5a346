/**
 * Every reason the waiter, the gate and the sender record, as words an owner reads without the
 * code book. The switch is exhaustive over ReasonCode: a new reason added to moves.ts fails the
 * typecheck here until it has its sentence.
 */
import type { StoredAuditEntry } from './audit.ts';
import { AuditAction } from './audit.ts';
import { LetGoReason, StillShoppingReason, WaitReason } from './moves.ts';
import { localParts } from './zoned-time.ts';

/** Reasons written by the send path (app/send-failure.ts, app/claim-recovery.ts), not the waiter. */
export const SendReason = {
  sendFailed: 'send_failed',
  sendRefused: 'send_refused',
  claimRecovered: 'claim_recovered',
} as const;
export type SendReason = (typeof SendReason)[keyof typeof SendReason];

export type ReasonCode = StillShoppingReason | WaitReason | LetGoReason | SendReason;

const CODES: ReadonlySet<string> = new Set<string>([
  ...Object.values(StillShoppingReason),
  ...Object.values(WaitReason),
  ...Object.values(LetGoReason),
  ...Object.values(SendReason),
]);

export function isReasonCode(text: string | null): text is ReasonCode {
  return text !== null && CODES.has(text);
}

/** The facts a sentence may need beyond the row itself; each is optional. */
export interface ReasonContext {
  /** The store's zone (CR_TIMEZONE): every time is shown in it. */
  readonly zone: string;
  /** The shopper's own zone when the store sent one; quiet hours were decided in it. */
  readonly shopperZone?: string | null;
  /** When the held reminder is looked at again (the row's detail.until). */
  readonly until?: number | null;
  /** For a frequency cap: the reminder to the same address that capped this one. */
  readonly cappedBy?: { readonly cartId: string | null; readonly at: number } | null;
  /** When the cap decided (the row's time), to say how long before the capping reminder went. */
  readonly at?: number;
  /** A send failure's error text. */
  readonly error?: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "08:00", or "08:00 on the 16th" when it is not the same local day as `from`. */
export function clockAt(at: number, zone: string, from?: number): string {
  const p = localParts(at, zone);
  const time = `${pad(p.hour)}:${pad(p.minute)}`;
  if (from === undefined) return time;
  const f = localParts(from, zone);
  const sameDay = f.year === p.year && f.month === p.month && f.day === p.day;
  return sameDay ? time : `${time} on the ${ordinal(p.day)}`;
}

export function ordinal(n: number): string {
  const rem100 = n % 100;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  const suffix = n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** A span as a person says it: "40 min", "3 h", "2 days". */
export function spanWords(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  // Under two hours in minutes: "90 min ago" rather than a rounded "2 h ago".
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

function quietHours(ctx: ReasonContext): string {
  if (ctx.until === undefined || ctx.until === null) return 'quiet hours in the shopper’s time';
  const shopper = ctx.shopperZone ?? null;
  const storeTime = clockAt(ctx.until, ctx.zone, ctx.at);
  if (shopper === null || shopper === ctx.zone) {
    const whose =
      shopper === null
        ? 'the store’s time (the shopper’s zone is not known)'
        : 'the shopper’s time';
    return `held until ${storeTime} in ${whose}, ${ctx.zone}: quiet hours`;
  }
  const theirs = clockAt(ctx.until, shopper, ctx.at);
  return `held until ${theirs} in the shopper’s time, ${shopper} (${storeTime} store time): quiet hours`;
}

function frequencyCap(ctx: ReasonContext): string {
  const next = lookAgain(ctx);
  const by = ctx.cappedBy;
  if (by === undefined || by === null) {
    return `not sent: the same address had a reminder within the frequency-cap window (CR_FREQUENCY_CAP)${next}`;
  }
  const ago = ctx.at === undefined ? '' : ` ${spanWords(ctx.at - by.at)} ago`;
  const about = by.cartId === null ? '' : ` about cart ${by.cartId}`;
  return `not sent: the same address was reminded${ago}${about}${next}`;
}

function lookAgain(ctx: ReasonContext): string {
  return ctx.until === undefined || ctx.until === null
    ? ''
    : `; tried again at ${clockAt(ctx.until, ctx.zone, ctx.at)}`;
}

/** The reason as the end of a sentence ("…: quiet hours", "… (the address is unsubscribed)"). */
export function reasonWords(code: ReasonCode, ctx: ReasonContext): string {
  switch (code) {
    case WaitReason.quietHours:
      return quietHours(ctx);
    case WaitReason.frequencyCap:
      return frequencyCap(ctx);
    case WaitReason.noEmail:
      return `not sent: the shopper has not typed an email address yet${lookAgain(ctx)}`;
    case WaitReason.senderHealth:
      return `not sent: every reminder is on hold while too many reminders bounce or are marked as spam (see Sender health)${lookAgain(ctx)}`;
    case SendReason.sendFailed: {
      const error = ctx.error ? ` (${ctx.error})` : '';
      return `not sent: the mail server could not take it${error}${lookAgain(ctx)}`;
    }
    case SendReason.sendRefused:
      return 'the mail server refused it for good, so it is not tried again';
    case SendReason.claimRecovered:
      return 'given back: the process sending it stopped before it could, so it is decided again';
    case StillShoppingReason.bought:
      return 'the cart was bought';
    case StillShoppingReason.closed:
      return 'the cart was closed';
    case StillShoppingReason.unsubscribed:
      return 'the address is unsubscribed';
    case StillShoppingReason.bounced:
      return 'mail to this address bounced before';
    case StillShoppingReason.complained:
      return 'the shopper marked a reminder as spam';
    case StillShoppingReason.noConsent:
      return 'the shopper did not agree to reminders (CR_REQUIRE_CONSENT)';
    case StillShoppingReason.active:
      return 'the shopper was still active on the cart';
    case StillShoppingReason.olderCart:
      return 'the same address has a newer open cart, and only that one is reminded';
    case StillShoppingReason.holdout:
      return 'in the holdout group: never reminded, so the summary can measure what reminders add (CR_HOLDOUT)';
    case StillShoppingReason.claimed:
      return 'another process had already taken this step, so it is never sent twice';
    case StillShoppingReason.boughtElsewhere:
      return 'the same address bought since, on another cart';
    case StillShoppingReason.nothingToRecover:
      return 'nothing to bring back: no items, a zero total or no link to the cart';
    case StillShoppingReason.snippetDailyCap:
      return "the storefront snippet had mailed its day's new addresses (CR_SNIPPET_DAILY_CAP)";
    case LetGoReason.allStepsSent:
      return 'every reminder step was sent and the shopper did not buy';
    case LetGoReason.gaveUp:
      return 'the cart grew older than the give-up age (CR_GIVE_UP_AFTER) without a purchase';
  }
}

/**
 * The reminder to the same address that a frequency-capped row waited on: the newest reminder
 * sent to that address before the row, from any of its carts.
 */
export function cappingReminder(
  row: StoredAuditEntry,
  addressRows: readonly StoredAuditEntry[],
): { cartId: string | null; at: number } | null {
  let best: StoredAuditEntry | null = null;
  for (const other of addressRows) {
    if (other.action !== AuditAction.reminderSent || other.at > row.at) continue;
    if (row.email !== null && other.email !== row.email) continue;
    if (best === null || other.at > best.at) best = other;
  }
  return best === null ? null : { cartId: best.cartId, at: best.at };
}
