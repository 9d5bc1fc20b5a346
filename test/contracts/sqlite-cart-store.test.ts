import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/local/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/local/sqlite-cart-store.ts';
import { runCartStoreContract } from './cart-store.contract.ts';

runCartStoreContract({
  name: 'SQLite (in memory)',
  make: async () => {
    const db = openDatabase({ path: ':memory:' });
    return { store: createSqliteCartStore(db), close: async () => void db.close() };
  },
});

// On a file with synchronous=FULL, as `serve` runs it: batches commit, then the WAL is synced off
// the main thread before anyone hears back (wal-commit.ts). The same contract must hold.
runCartStoreContract({
  name: 'SQLite (file, WAL, FULL)',
  make: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-cart-store-'));
    const db = openDatabase({ path: join(dir, 'cart-recovery.db') });
    return {
      store: createSqliteCartStore(db),
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
