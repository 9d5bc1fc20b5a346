import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteOwnerSignOuts } from '../../src/adapters/sqlite/sqlite-owner-sign-outs.ts';
import { runOwnerSignOutsContract } from './owner-sign-outs.contract.ts';

runOwnerSignOutsContract({
  name: 'SQLite (a file, reopened as a restart would)',
  make: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-signouts-'));
    const path = join(dir, 'cart-recovery.sqlite');
    const dbs = [openDatabase({ path })];
    return {
      signOuts: createSqliteOwnerSignOuts(dbs[0] as ReturnType<typeof openDatabase>),
      reopen: async () => {
        const db = openDatabase({ path });
        dbs.push(db);
        return createSqliteOwnerSignOuts(db);
      },
      close: async () => {
        for (const db of dbs) db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
