/** Audit rows: "why did this cart go quiet?" is one lookup. */
import type { Cart } from './cart.ts';

export const AuditAction = {
  created: 'created',
  checkout: 'checkout',
  reopened: 'reopened',
  reminderSent: 'reminder_sent',
  reminderHeld: 'reminder_held',
  skipped: 'skipped',
  expired: 'expired',
  suppress: 'suppress',
  writeOff: 'write_off',
  unsubscribe: 'unsubscribe',
  resubscribe: 'resubscribe',
  bounced: 'bounced',
  complained: 'complained',
  clicked: 'clicked',
  /** Sender health held every nudge, resumed by itself, or an owner cleared the hold. */
  senderPaused: 'sender_paused',
  senderResumed: 'sender_resumed',
  senderCleared: 'sender_cleared',
  /**
   * The browser lane (the storefront snippet) held its own nudges on its own bounce or complaint
   * rate, or resumed; the signed lanes went on sending.
   */
  snippetPaused: 'snippet_paused',
  snippetResumed: 'snippet_resumed',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** `system` for automatic moves, `shopper` for the shopper's own links, else the owner's name. */
export type Actor = string;
export const SYSTEM: Actor = 'system';
export const SHOPPER: Actor = 'shopper';

export interface AuditEntry {
  readonly cartId: string | null;
  readonly email: string | null;
  readonly action: AuditAction;
  readonly actor: Actor;
  readonly at: number;
  /** Free text from an owner, or the rule that decided (e.g. "quiet_hours", "holdout"). */
  readonly reason: string | null;
  /** Extra facts: the reminder step, the gate rule, the message id. Small and JSON-safe. */
  readonly detail: Readonly<Record<string, string | number | boolean | null>> | null;
  readonly before: Cart | null;
  readonly after: Cart | null;
}

/** A stored audit row has a store-assigned id that sorts in write order within a cart. */
export interface StoredAuditEntry extends AuditEntry {
  readonly id: string;
}

export interface AuditFields {
  readonly action: AuditAction;
  readonly at: number;
  /** Who made the change; SYSTEM unless a person or the shopper did. */
  readonly actor?: Actor;
  readonly reason?: string | null;
  readonly detail?: AuditEntry['detail'];
  readonly before?: Cart | null;
  readonly after?: Cart | null;
  /** The cart the row is about; defaults to `before`'s, else `after`'s (null: not about a cart). */
  readonly cartId?: string | null;
  /** The address the row is filed under; defaults like cartId (a sent step names where it went). */
  readonly email?: string | null;
}

/**
 * The one way an audit row is made, so a field added to AuditEntry gets its value everywhere
 * and "who, when, why" is spelled the same in every lane.
 */
export function auditEntry(fields: AuditFields): AuditEntry {
  const { before = null, after = null } = fields;
  const subject = before ?? after;
  return {
    cartId: fields.cartId === undefined ? (subject?.id ?? null) : fields.cartId,
    email: fields.email === undefined ? (subject?.email ?? null) : fields.email,
    action: fields.action,
    actor: fields.actor ?? SYSTEM,
    at: fields.at,
    reason: fields.reason ?? null,
    detail: fields.detail ?? null,
    before,
    after,
  };
}
