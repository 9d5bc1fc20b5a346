/**
 * Owner sign-outs on SQLite: one row per owner with the latest time. The table is made here on
 * first use rather than as a schema step in sqlite.ts: it is this adapter's alone, and a file
 * from before it simply has no sign-outs yet.
 */
import { type OwnerSignOuts, OwnerSignOutsFaultError } from '../../ports/owner-sign-outs.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { withSqliteFaults } from './sqlite-faults.ts';

export function createSqliteOwnerSignOuts(db: SqliteDatabase): OwnerSignOuts {
  db.exec(
    'CREATE TABLE IF NOT EXISTS owner_sign_outs (owner TEXT PRIMARY KEY, at INTEGER NOT NULL) STRICT',
  );
  const getStmt = db.prepare<[string], { at: number }>(
    'SELECT at FROM owner_sign_outs WHERE owner = ?',
  );
  // One statement, so two sign-outs at once keep the later time whichever lands last.
  const upsertStmt = db.prepare(
    'INSERT INTO owner_sign_outs (owner, at) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET at = MAX(at, excluded.at)',
  );
  return withSqliteFaults<OwnerSignOuts>(
    {
      async lastSignOut(owner) {
        return getStmt.get(owner)?.at ?? null;
      },
      async signOut(owner, at) {
        upsertStmt.run(owner, at);
      },
    },
    (message, options) => new OwnerSignOutsFaultError(message, options),
  );
}
