/**
 * The cart list on SQLite. A cart change and its audit rows commit in one transaction; writes are
 * conditional on the version the writer read, so two writers racing on one cart cannot clobber.
 * The jobs live in their own files: writes (group commit), reads, the due-time column the local
 * timer claims, and erasure; this file puts them together with the synchronous extras the
 * commands and the local runtime use.
 */
import { type CartStore, CartStoreFaultError } from '../../ports/cart-store.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { createSqliteCartReads } from './sqlite-cart-reads.ts';
import { toCart } from './sqlite-cart-rows.ts';
import { createSqliteCartSearch } from './sqlite-cart-search.ts';
import { createSqliteCartWrites } from './sqlite-cart-writes.ts';
import { prepareDueRows } from './sqlite-due-index.ts';
import { withSqliteFaults } from './sqlite-faults.ts';
import {
  type ForgetReport,
  prepareDeleteAuditBefore,
  prepareForgetAddress,
} from './sqlite-forget.ts';
import { cartRowCache } from './sqlite-row-cache.ts';

export type { ForgetReport } from './sqlite-forget.ts';

export interface SqliteCartStore extends CartStore {
  /**
   * The local timer's claim: due carts, oldest first, each leased for `leaseMs` so a crash
   * mid-wake makes it due again rather than lost. The waiter's save replaces the lease.
   * (The timer loop reaches it through the DueIndex port: createSqliteDueIndex.)
   */
  claimDue(now: number, limit: number, leaseMs: number): string[];
  /**
   * For a process that has just opened the database as its one owner (no wake-up can be in
   * flight): makes due now every open cart holding a step claim, so the waiter settles it at once
   * (claim-recovery.ts), and every wake-up still under a lease, which no live loop holds any more.
   * Leases are found in (now, now + leaseMs], the loop's lease length (default 60 s). Returns how
   * many wake-ups were brought forward.
   */
  recoverAfterRestart(now: number, leaseMs?: number): number;
  /** Earliest armed wake-up, so the loop can sleep exactly until then. */
  nextDueAt(): number | null;
  countOpen(): number;
  /** Carts whose wake-up is due at `now` and not yet run or leased (the metrics' due gauge). */
  countDue(now: number): number;
  /**
   * Deletes audit rows dated before `before` (the nightly job passes now minus 400 days): they
   * hold addresses and cart snapshots. Returns how many went. Sender health's day tallies and
   * the unsubscribe list are kept apart and are not touched.
   */
  deleteAuditBefore(before: number): number;
  /**
   * Erases one address (a shopper's request): every cart that had it, with its aliases, purchase
   * records and audit rows, and every other audit row about it. Seen event ids stay (they name no
   * one, and a store's retry of an old event must stay a duplicate). The never-send list is the
   * caller's to keep. Deleted rows linger in free pages until a VACUUM.
   */
  forgetAddress(email: string): ForgetReport;
}

export function createSqliteCartStore(db: SqliteDatabase): SqliteCartStore {
  const countOpenStmt = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM carts WHERE status = 'open'",
  );
  const due = prepareDueRows(db);
  const rows = cartRowCache(db);
  const forget = prepareForgetAddress(db);
  const fault = (message: string, options: ErrorOptions) =>
    new CartStoreFaultError(message, options);
  return withSqliteFaults<SqliteCartStore>(
    {
      ...createSqliteCartReads(db),
      ...createSqliteCartSearch(db, toCart),
      ...createSqliteCartWrites(db),
      claimDue: due.claimDue,
      recoverAfterRestart: due.recoverAfterRestart,
      nextDueAt: due.nextDueAt,
      countDue: due.countDue,
      countOpen: () => countOpenStmt.get()?.n ?? 0,
      forgetAddress: (email) => {
        // A forgotten address's carts leave memory too, not only the file.
        rows.clear();
        return forget(email);
      },
      deleteAuditBefore: prepareDeleteAuditBefore(db),
    },
    fault,
  );
}
