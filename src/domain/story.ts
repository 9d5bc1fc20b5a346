/** A cart's audit rows as sentences: "why did this cart go quiet?" answered in words. */
import { AuditAction, type StoredAuditEntry } from './audit.ts';
import { localParts } from './zoned-time.ts';

const ordinal = (n: number) => {
  const rem100 = n % 100;
  if (rem100 >= 11 && rem100 <= 13) return `${n}th`;
  return `${n}${({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th'}`;
};
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function whenText(at: number, zone: string): string {
  const p = localParts(at, zone);
  const hh = String(p.hour).padStart(2, '0');
  const mm = String(p.minute).padStart(2, '0');
  return `on the ${ordinal(p.day)} ${MONTHS[p.month - 1] ?? ''} ${p.year} at ${hh}:${mm}`;
}

/** Reasons an owner reads as words (the rest still show their code; plain words for all is next). */
const REASON_WORDS: Readonly<Record<string, string>> = {
  bought_elsewhere: 'the same address bought since, on another cart',
  nothing_to_recover: 'nothing to bring back: no items, a zero total or no link to the cart',
  snippet_daily_cap:
    "the storefront snippet had mailed its day's new addresses (CR_SNIPPET_DAILY_CAP)",
  send_refused: 'the mail server refused it for good, so it is not tried again',
};

function reasonText(reason: string | null, fallback: string): string {
  return reason === null ? fallback : (REASON_WORDS[reason] ?? reason);
}

function by(actor: string): string {
  return actor === 'system' ? 'system' : actor === 'shopper' ? 'the shopper' : actor;
}

/** One sentence for one audit row. */
export function describeEntry(row: StoredAuditEntry, zone: string): string {
  const when = whenText(row.at, zone);
  const step = typeof row.detail?.step === 'number' ? row.detail.step : null;
  const reason = row.reason ? `: ${row.reason}` : '';
  switch (row.action) {
    case AuditAction.checkout:
      return `bought ${when} (${by(row.actor)})`;
    case AuditAction.reminderSent:
      return `reminder ${step ?? '?'} sent to ${row.email ?? 'the shopper'} ${when}`;
    case AuditAction.reminderHeld:
      return `reminder ${step ?? '?'} held ${when} (${row.reason ?? 'gate'})`;
    case AuditAction.skipped:
      return `reminder ${step ?? '?'} skipped ${when} (${reasonText(row.reason, 'gate')})`;
    case AuditAction.expired:
      return `let go ${when} (${reasonText(row.reason, 'expired')})`;
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
      return `first seen ${when}`;
  }
}
