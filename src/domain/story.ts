/** A cart's audit rows as sentences: "why did this cart go quiet?" answered in words. */
import { AuditAction, type StoredAuditEntry, SYSTEM } from './audit.ts';
import type { Cart } from './cart.ts';
import {
  cappingReminder,
  isReasonCode,
  ordinal,
  type ReasonContext,
  reasonWords,
} from './plain-words.ts';
import { localParts } from './zoned-time.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function whenText(at: number, zone: string): string {
  const p = localParts(at, zone);
  const hh = String(p.hour).padStart(2, '0');
  const mm = String(p.minute).padStart(2, '0');
  return `on the ${ordinal(p.day)} ${MONTHS[p.month - 1] ?? ''} ${p.year} at ${hh}:${mm}`;
}

/** A reason code in words; free text an owner typed (or an older row's wording) stays as it is. */
function reasonText(reason: string | null, fallback: string, ctx: ReasonContext): string {
  if (reason === null) return fallback;
  return isReasonCode(reason) ? reasonWords(reason, ctx) : reason;
}

/** What a row's sentence may use besides the row: the shopper's zone, the address's other rows. */
export interface StoryContext {
  /** The cart's own zone (Cart.timezone): quiet hours were decided in it. */
  readonly shopperZone?: string | null;
  /** Every audit row of the cart's address, so a frequency cap can name the reminder it waited on. */
  readonly addressRows?: readonly StoredAuditEntry[];
}

function contextOf(row: StoredAuditEntry, zone: string, story: StoryContext): ReasonContext {
  const until = typeof row.detail?.until === 'number' ? row.detail.until : null;
  const error = typeof row.detail?.error === 'string' ? row.detail.error : null;
  const cappedBy =
    row.reason === 'frequency_cap' ? cappingReminder(row, story.addressRows ?? []) : null;
  return { zone, shopperZone: story.shopperZone ?? null, until, cappedBy, at: row.at, error };
}

/** A held reminder: the sentence says until when and why, in the zone that decided. */
function heldText(step: number | null, when: string, reason: string | null, ctx: ReasonContext) {
  const words = reasonText(reason, 'the gate was closed', ctx);
  return `reminder ${step ?? '?'} held ${when}${words.startsWith('held until') ? words.slice(4) : `: ${words}`}`;
}

function by(actor: string): string {
  return actor === 'system' ? 'system' : actor === 'shopper' ? 'the shopper' : actor;
}

/** One sentence for one audit row. */
export function describeEntry(
  row: StoredAuditEntry,
  zone: string,
  story: StoryContext = {},
): string {
  const when = whenText(row.at, zone);
  const ctx = contextOf(row, zone, story);
  const step = typeof row.detail?.step === 'number' ? row.detail.step : null;
  const reason = row.reason ? `: ${row.reason}` : '';
  switch (row.action) {
    case AuditAction.checkout:
      return `bought ${when} (${by(row.actor)})`;
    case AuditAction.reminderSent:
      return `reminder ${step ?? '?'} sent to ${row.email ?? 'the shopper'} ${when}`;
    case AuditAction.reminderHeld:
      return heldText(step, when, row.reason, ctx);
    case AuditAction.skipped:
      return `reminder ${step ?? '?'} skipped ${when} (${reasonText(row.reason, 'the gate was closed', ctx)})`;
    case AuditAction.expired:
      return `let go ${when} (${reasonText(row.reason, 'expired', ctx)})`;
    case AuditAction.suppress:
      return `suppressed by ${by(row.actor)} ${when}${reason}`;
    case AuditAction.writeOff:
      return `written off by ${by(row.actor)} ${when}${reason}`;
    case AuditAction.unsubscribe:
      return `${row.email ?? 'address'} unsubscribed by ${by(row.actor)} ${when}`;
    case AuditAction.resubscribe:
      return `${row.email ?? 'address'} subscribed again by ${by(row.actor)} ${when}`;
    case AuditAction.bounced:
      return `${row.email ?? 'address'} bounced ${when}`;
    case AuditAction.complained:
      return `${row.email ?? 'address'} complained ${when}`;
    case AuditAction.clicked:
      return `reminder ${step ?? ''} link clicked ${when}`.replace('  ', ' ');
    case AuditAction.reopened:
      return `opened again ${when}: the shopper came back`;
    case AuditAction.senderPaused:
      return `every reminder put on hold ${when}${reason}`;
    case AuditAction.senderResumed:
      return `reminders resumed ${when}${reason}`;
    case AuditAction.senderCleared:
      return `reminder hold cleared by ${by(row.actor)} ${when}`;
    case AuditAction.snippetPaused:
      return `storefront-snippet reminders put on hold ${when}${reason}`;
    case AuditAction.snippetResumed:
      return `storefront-snippet reminders resumed ${when}${reason}`;
    case AuditAction.created:
      return `cart created ${when}: the store’s first event for it`;
  }
}

/**
 * The cart's story from its beginning: no row is written when a cart is first seen, so its
 * creation is told from the row itself, before the oldest audit row.
 */
export function storyRows(cart: Cart, rows: readonly StoredAuditEntry[]): StoredAuditEntry[] {
  const sorted = [...rows].sort((a, b) => a.at - b.at);
  if (sorted[0]?.action === AuditAction.created) return sorted;
  const created: StoredAuditEntry = {
    id: `created:${cart.id}`,
    cartId: cart.id,
    email: cart.email,
    action: AuditAction.created,
    actor: SYSTEM,
    at: Math.min(cart.createdAt, sorted[0]?.at ?? cart.createdAt),
    reason: null,
    detail: null,
    before: null,
    after: null,
  };
  return [created, ...sorted];
}
