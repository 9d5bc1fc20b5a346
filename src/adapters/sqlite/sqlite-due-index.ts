/**
 * The due-time column as the local timer: a claim leases due rows by moving their `wake_at` past
 * now (the row data keeps the real due time), so a crash mid-wake makes them due again. The cart
 * store keeps the synchronous calls for the commands and the demo; the DueIndex port wraps them.
 */
import { type DueIndex, DueIndexFaultError } from '../../ports/due-index.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { withSqliteFaults } from './sqlite-faults.ts';

/** The default lease of the timer loop (adapters/timer), which recovery looks for. */
const DEFAULT_LEASE_MS = 60_000;

export interface SqliteDueRows {
  claimDue(now: number, limit: number, leaseMs: number): string[];
  recoverAfterRestart(now: number, leaseMs?: number): number;
  nextDueAt(): number | null;
  countDue(now: number): number;
}

export function prepareDueRows(db: SqliteDatabase): SqliteDueRows {
  const dueStmt = db.prepare<[number, number], { id: string }>(
    'SELECT id FROM carts WHERE wake_at IS NOT NULL AND wake_at <= ? ORDER BY wake_at LIMIT ?',
  );
  const leaseStmt = db.prepare('UPDATE carts SET wake_at = ? WHERE id = ?');
  // Same terms as the carts_claimed_step partial index, so this reads the index, not the table.
  const claimedDueNow = db.prepare<[number, number]>(
    `UPDATE carts SET wake_at = ?
     WHERE status = 'open' AND claimed_step IS NOT NULL
       AND (wake_at IS NULL OR wake_at > ?)`,
  );
  // Every save writes the due time to the column and the row data alike; only a lease
  // (claimTx) makes them differ.
  const leasedDueNow = db.prepare<[number, number, number]>(
    `UPDATE carts SET wake_at = ?
     WHERE wake_at > ? AND wake_at <= ? AND wake_at IS NOT json_extract(data, '$.wakeAt')`,
  );
  const nextDueStmt = db.prepare<[], { at: number | null }>(
    'SELECT MIN(wake_at) AS at FROM carts WHERE wake_at IS NOT NULL',
  );
  // A range over the carts_due partial index: no table rows are read.
  const countDueStmt = db.prepare<[number], { n: number }>(
    'SELECT COUNT(*) AS n FROM carts WHERE wake_at IS NOT NULL AND wake_at <= ?',
  );
  const claimTx = db.transaction((now: number, limit: number, leaseMs: number): string[] => {
    const ids = dueStmt.all(now, limit).map((row) => row.id);
    for (const id of ids) leaseStmt.run(now + leaseMs, id);
    return ids;
  });
  const recoverTx = db.transaction(
    (now: number, leaseMs: number): number =>
      claimedDueNow.run(now, now).changes + leasedDueNow.run(now, now, now + leaseMs).changes,
  );
  return {
    claimDue: (now, limit, leaseMs) => claimTx(now, limit, leaseMs),
    recoverAfterRestart: (now, leaseMs = DEFAULT_LEASE_MS) => recoverTx(now, leaseMs),
    nextDueAt: () => nextDueStmt.get()?.at ?? null,
    countDue: (now) => countDueStmt.get(now)?.n ?? 0,
  };
}

/** The DueIndex port over the database's carts table (better-sqlite3 is synchronous). */
export function createSqliteDueIndex(db: SqliteDatabase): DueIndex {
  const rows = prepareDueRows(db);
  const fault = (message: string, options: ErrorOptions) =>
    new DueIndexFaultError(message, options);
  return withSqliteFaults<DueIndex>(
    {
      async claimDue(now, limit, leaseMs) {
        return rows.claimDue(now, limit, leaseMs);
      },
      async nextDueAt() {
        return rows.nextDueAt();
      },
    },
    fault,
  );
}
