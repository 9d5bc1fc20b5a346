import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteDueIndex } from '../../src/adapters/sqlite/sqlite-due-index.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { makeCart } from '../support/cart-fixtures.ts';
import { runDueIndexContract } from './due-index.contract.ts';

runDueIndexContract({
  name: 'SQLite (in memory)',
  async make() {
    const db = openDatabase({ path: ':memory:' });
    const store = createSqliteCartStore(db);
    const rows = new Map<string, Cart>();
    return {
      index: createSqliteDueIndex(db),
      async arm(cartId, at) {
        const before = rows.get(cartId);
        const cart = { ...(before ?? makeCart({ id: cartId })), wakeAt: at };
        const result = await store.save({
          cart,
          expectedVersion: before?.version ?? null,
          audit: [],
        });
        if (result.kind !== 'saved') throw new Error(`could not arm ${cartId}`);
        rows.set(cartId, result.cart);
      },
      close: async () => void db.close(),
    };
  },
});
