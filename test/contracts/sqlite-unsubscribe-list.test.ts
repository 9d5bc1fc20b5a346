import { openDatabase } from '../../src/adapters/local/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/local/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/local/sqlite-unsubscribe-list.ts';
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
