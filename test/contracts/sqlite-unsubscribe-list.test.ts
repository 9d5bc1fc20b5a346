import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/sqlite/sqlite-unsubscribe-list.ts';
import { runUnsubscribeListContract } from './unsubscribe-list.contract.ts';

runUnsubscribeListContract({
  name: 'SQLite (in memory)',
  make: async () => {
    const db = openDatabase({ path: ':memory:' });
    const carts = createSqliteCartStore(db);
    return {
      list: createSqliteUnsubscribeList(db),
      auditForEmail: (email) => carts.auditForEmail(email),
      close: async () => void db.close(),
    };
  },
});
