import { describe, expect, it } from 'vitest';
import { makeCart } from '../../../test/support/cart-fixtures.ts';
import { CartStoreFaultError } from '../../ports/cart-store.ts';
import { DueIndexFaultError } from '../../ports/due-index.ts';
import { isPortFault } from '../../ports/fault.ts';
import { UnsubscribeListFaultError } from '../../ports/unsubscribe-list.ts';
import { openDatabase } from './sqlite.ts';
import { createSqliteCartStore } from './sqlite-cart-store.ts';
import { createSqliteDueIndex } from './sqlite-due-index.ts';
import { createSqliteUnsubscribeList } from './sqlite-unsubscribe-list.ts';

/** A real SQLite that cannot grow: max_page_count at its size makes the next write SQLITE_FULL. */
function fullDatabase() {
  const db = openDatabase({ path: ':memory:' });
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages}`);
  return db;
}

const bigCart = (id: string) =>
  makeCart({
    id,
    items: Array.from({ length: 200 }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `Item ${i} ${'x'.repeat(200)}`,
      quantity: 1,
      priceMinor: 100,
      url: null,
      imageUrl: null,
    })),
  });

describe('SQLite faults are the ports’ fault errors', () => {
  it('a write the full database refuses rejects with CartStoreFaultError, code and cause kept', async () => {
    const db = fullDatabase();
    try {
      const store = createSqliteCartStore(db);
      const error = await store
        .save({ cart: bigCart('c_full'), expectedVersion: null, audit: [] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CartStoreFaultError);
      expect(error).toMatchObject({
        name: 'CartStoreFaultError',
        port: 'cart-store',
        code: 'SQLITE_FULL',
        storageFull: true,
        cause: expect.objectContaining({ code: 'SQLITE_FULL' }),
      });
      expect((error as Error).message).toMatch(/^SQLite save failed: SQLITE_FULL: /);
      // Reads still answer, and a fault is not mistaken for an outcome.
      expect(await store.get('c_full')).toBeNull();
    } finally {
      db.close();
    }
  });

  it('a read of a closed database rejects with the port’s fault, sync extras throw it too', async () => {
    const db = openDatabase({ path: ':memory:' });
    const store = createSqliteCartStore(db);
    const index = createSqliteDueIndex(db);
    const list = createSqliteUnsubscribeList(db);
    db.close();
    await expect(store.get('c_1')).rejects.toBeInstanceOf(CartStoreFaultError);
    await expect(index.claimDue(0, 10, 1_000)).rejects.toBeInstanceOf(DueIndexFaultError);
    await expect(list.get('sam@example.com')).rejects.toBeInstanceOf(UnsubscribeListFaultError);
    expect(() => store.countOpen()).toThrow(CartStoreFaultError);
    const iterate = async () => {
      for await (const _cart of store.listByActivity(0, 1)) break;
    };
    const failure = await iterate().catch((e: unknown) => e);
    expect(isPortFault(failure)).toBe(true);
    expect(failure).toMatchObject({ port: 'cart-store', storageFull: false });
  });
});
