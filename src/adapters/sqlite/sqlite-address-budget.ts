/**
 * The browser lane's address budget on SQLite. Its two tables belong to this adapter alone and
 * are created here if missing (IF NOT EXISTS, so any file, old or new, gets them on open), rather
 * than as a numbered migration that every adapter's changes would queue behind.
 *
 * admit reads and writes in one BEGIN IMMEDIATE transaction: the write lock comes before the read,
 * so a second connection to the file waits instead of admitting into the same last place.
 */
import {
  type AddressBudget,
  AddressBudgetFaultError,
  type BudgetAdmit,
  type BudgetPeek,
} from '../../ports/address-budget.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { withSqliteFaults } from './sqlite-faults.ts';

export function createSqliteAddressBudget(db: SqliteDatabase): AddressBudget {
  db.exec(`
    CREATE TABLE IF NOT EXISTS budget_addresses (
      email TEXT PRIMARY KEY,
      day TEXT NOT NULL,
      at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS budget_days (
      day TEXT PRIMARY KEY,
      admitted INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
  `);
  const known = db.prepare<[string], { day: string }>(
    'SELECT day FROM budget_addresses WHERE email = ?',
  );
  const admittedOn = db.prepare<[string], { admitted: number }>(
    'SELECT admitted FROM budget_days WHERE day = ?',
  );
  const insertAddress = db.prepare(
    'INSERT INTO budget_addresses (email, day, at) VALUES (?, ?, ?)',
  );
  const countDay = db.prepare(
    `INSERT INTO budget_days (day, admitted) VALUES (?, 1)
     ON CONFLICT (day) DO UPDATE SET admitted = admitted + 1`,
  );

  const peekNow = (email: string, day: string, cap: number): BudgetPeek => {
    if (known.get(email) !== undefined) return 'known';
    return (admittedOn.get(day)?.admitted ?? 0) < cap ? 'room' : 'full';
  };
  const admitTx = db.transaction(
    (email: string, day: string, cap: number, at: number): BudgetAdmit => {
      const verdict = peekNow(email, day, cap);
      if (verdict !== 'room') return verdict;
      insertAddress.run(email, day, at);
      countDay.run(day);
      return 'admitted';
    },
  );

  return withSqliteFaults<AddressBudget>(
    {
      async peek(email, day, cap) {
        return peekNow(email, day, cap);
      },
      async admit(email, day, cap, at) {
        return admitTx.immediate(email, day, cap, at);
      },
    },
    (message, options) => new AddressBudgetFaultError(message, options),
  );
}
