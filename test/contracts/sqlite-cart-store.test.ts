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
