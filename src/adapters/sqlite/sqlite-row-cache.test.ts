import { describe, expect, it } from 'vitest';
import { makeCart } from '../../../test/support/cart-fixtures.ts';
import { openDatabase } from './sqlite.ts';
import { createSqliteCartStore } from './sqlite-cart-store.ts';

const store = () => {
  const db = openDatabase({ path: ':memory:' });
  return { db, carts: createSqliteCartStore(db) };
};

describe('the parsed copies of recent carts', () => {
  it('are shared by every store on a connection: one forgets and makes a cart again, another reads it new', async () => {
    const { db, carts } = store();
    const other = createSqliteCartStore(db);
    await carts.save({
      cart: makeCart({ id: 'c_f', email: 'old@example.com' }),
      expectedVersion: null,
      audit: [],
    });
    expect((await other.get('c_f'))?.email).toBe('old@example.com');
    carts.forgetAddress('old@example.com');
    await carts.save({
      cart: makeCart({ id: 'c_f', email: 'new@example.com' }),
      expectedVersion: null,
      audit: [],
    });
    // Version 1 again, like the forgotten one.
    expect(await other.get('c_f')).toMatchObject({ email: 'new@example.com', version: 1 });
  });

  it('take the due time from its column, which a lease moves without a new version', async () => {
    const { carts } = store();
    await carts.save({
      cart: makeCart({ id: 'c_d', wakeAt: 1_000 }),
      expectedVersion: null,
      audit: [],
    });
    expect((await carts.get('c_d'))?.wakeAt).toBe(1_000);
    expect(carts.claimDue(2_000, 10, 60_000)).toEqual(['c_d']);
    expect(await carts.get('c_d')).toMatchObject({ wakeAt: 62_000, version: 1 });
  });

  it('are not served for a version the file does not hold', async () => {
    const { db, carts } = store();
    await carts.save({
      cart: makeCart({ id: 'c_v', email: 'a@example.com' }),
      expectedVersion: null,
      audit: [],
    });
    await carts.get('c_v');
    // A row changed behind the store's back at a new version (a restored backup, a hand edit).
    const data = JSON.stringify({ ...makeCart({ id: 'c_v', email: 'b@example.com' }) });
    db.prepare("UPDATE carts SET version = 2, data = ? WHERE id = 'c_v'").run(data);
    expect(await carts.get('c_v')).toMatchObject({ email: 'b@example.com', version: 2 });
  });
});
