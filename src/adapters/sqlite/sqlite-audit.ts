/**
 * The audit table on SQLite, shared by every store that writes to it: one INSERT and one row
 * mapping, so a cart change and an address change store their rows the same way.
 */
import type { AuditEntry, StoredAuditEntry } from '../../domain/audit.ts';
import { type DayTally, tallyUpdates } from '../../domain/health-tally.ts';
import { type HealthTallies, HealthTalliesFaultError } from '../../ports/health-tallies.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { withSqliteFaults } from './sqlite-faults.ts';

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
  // Sender health's day tallies move in the same transaction as the row they count.
  const tallyAdd = db.prepare(
    `INSERT INTO health_tally (day, field, value) VALUES (?, ?, ?)
     ON CONFLICT (day, field) DO UPDATE SET value = value + excluded.value`,
  );
  const tallyMax = db.prepare(
    `INSERT INTO health_tally (day, field, value) VALUES (?, ?, ?)
     ON CONFLICT (day, field) DO UPDATE SET value = max(value, excluded.value)`,
  );
  return (entry) => {
    for (const update of tallyUpdates(entry)) {
      (update.op === 'add' ? tallyAdd : tallyMax).run(update.day, update.field, update.value);
    }
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

/** Sender health's tallies on SQLite: one indexed range read of at most 31 days' rows. */
export function createSqliteHealthTallies(db: SqliteDatabase): HealthTallies {
  const range = db.prepare<[string, string], { day: string; field: string; value: number }>(
    'SELECT day, field, value FROM health_tally WHERE day >= ? AND day <= ? ORDER BY day',
  );
  return withSqliteFaults<HealthTallies>(
    {
      async between(firstDay, lastDay) {
        const byDay = new Map<string, Record<string, number>>();
        for (const row of range.all(firstDay, lastDay)) {
          const values = byDay.get(row.day) ?? {};
          values[row.field] = row.value;
          byDay.set(row.day, values);
        }
        return [...byDay].map(([day, values]): DayTally => ({ day, values }));
      },
    },
    (message, options) => new HealthTalliesFaultError(message, options),
  );
}
