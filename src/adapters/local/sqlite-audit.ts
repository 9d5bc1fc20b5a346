/**
 * The audit table on SQLite, shared by every store that writes to it: one INSERT and one row
 * mapping, so a cart change and an address change store their rows the same way.
 */
import type { AuditEntry, StoredAuditEntry } from '../../domain/audit.ts';
import type { SqliteDatabase } from './sqlite.ts';

/** A row of `audit` as SELECT * returns it. */
export interface AuditRow {
  seq: number;
  cart_id: string | null;
  email: string | null;
  action: string;
  actor: string;
  at: number;
  reason: string | null;
  detail: string | null;
  before: string | null;
  after: string | null;
}

const json = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

/**
 * Prepares the audit INSERT on `db` once and returns a writer for it. It does not open a
 * transaction: callers run it inside the one that changes the row being audited.
 */
export function prepareAuditInsert(db: SqliteDatabase): (entry: AuditEntry) => void {
  const insert = db.prepare(
    `INSERT INTO audit (cart_id, email, action, actor, at, reason, detail, before, after)
     VALUES (@cartId, @email, @action, @actor, @at, @reason, @detail, @before, @after)`,
  );
  return (entry) => {
    insert.run({
      cartId: entry.cartId,
      email: entry.email,
      action: entry.action,
      actor: entry.actor,
      at: entry.at,
      reason: entry.reason,
      detail: json(entry.detail),
      before: json(entry.before),
      after: json(entry.after),
    });
  };
}

export function toAuditEntry(row: AuditRow): StoredAuditEntry {
  return {
    // Zero-padded so ids sort in write order as strings, as the port promises.
    id: String(row.seq).padStart(12, '0'),
    cartId: row.cart_id,
    email: row.email,
    action: row.action as StoredAuditEntry['action'],
    actor: row.actor,
    at: row.at,
    reason: row.reason,
    detail: row.detail === null ? null : JSON.parse(row.detail),
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  };
}
