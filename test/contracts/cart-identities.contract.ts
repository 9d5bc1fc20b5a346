/**
 * The CartStore contract, part two: a cart's other ids (aliases) and the purchase guard's
 * question. Run by every CartStore adapter's test beside runCartStoreContract.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cart } from '../../src/domain/cart.ts';
import type { CartStore } from '../../src/ports/cart-store.ts';
import { HOUR, makeCart, T0 } from '../support/cart-fixtures.ts';
import type { CartStoreContractOptions, CartStoreHarness } from './cart-store.contract.ts';

export function runCartIdentitiesContract({ name, make }: CartStoreContractOptions): void {
  describe(`CartStore contract, identities and purchases: ${name}`, () => {
    let harness: CartStoreHarness;
    let store: CartStore;
    beforeEach(async () => {
      harness = await make();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.close();
    });

    async function create(cart: Cart, newAliases: readonly string[] = []): Promise<Cart> {
      const result = await store.save({ cart, expectedVersion: null, audit: [], newAliases });
      if (result.kind !== 'saved') throw new Error(`could not create ${cart.id}`);
      return result.cart;
    }

    it('names the row of each id: its own id and every alias registered with a write', async () => {
      await create(makeCart({ id: 'c_1', aliases: ['tok_1', 'cart_1'] }), ['tok_1', 'cart_1']);
      const owners = await store.ownersOf(['c_1', 'tok_1', 'cart_1', 'nobody']);
      expect(Object.fromEntries(owners)).toEqual({ c_1: 'c_1', tok_1: 'c_1', cart_1: 'c_1' });
    });

    it('registers aliases added by a later update, and reads the row back with them', async () => {
      const v1 = await create(makeCart({ id: 'c_1' }));
      const saved = await store.save({
        cart: { ...v1, aliases: ['order_9'] },
        expectedVersion: v1.version,
        audit: [],
        newAliases: ['order_9'],
      });
      expect(saved.kind).toBe('saved');
      expect((await store.ownersOf(['order_9'])).get('order_9')).toBe('c_1');
      expect((await store.get('c_1'))?.aliases).toEqual(['order_9']);
    });

    it('refuses an alias another row holds, as a conflict that writes nothing', async () => {
      await create(makeCart({ id: 'c_1', aliases: ['tok_1'] }), ['tok_1']);
      const second = await store.save({
        cart: makeCart({ id: 'c_2', aliases: ['tok_1'] }),
        expectedVersion: null,
        audit: [],
        newAliases: ['tok_1'],
      });
      expect(second).toEqual({ kind: 'conflict' });
      expect(await store.get('c_2')).toBeNull();
      expect((await store.ownersOf(['tok_1'])).get('tok_1')).toBe('c_1');
    });

    it('refuses, as a conflict, an alias that is already another row’s own id', async () => {
      await create(makeCart({ id: 'c_1' }));
      const second = await store.save({
        cart: makeCart({ id: 'c_2', aliases: ['c_1'] }),
        expectedVersion: null,
        audit: [],
        newAliases: ['c_1'],
      });
      expect(second).toEqual({ kind: 'conflict' });
      expect(await store.get('c_2')).toBeNull();
    });

    it('refuses, as a conflict, a new row under an id another row holds as an alias', async () => {
      await create(makeCart({ id: 'c_1', aliases: ['tok_1'] }), ['tok_1']);
      const second = await store.save({
        cart: makeCart({ id: 'tok_1' }),
        expectedVersion: null,
        audit: [],
      });
      expect(second).toEqual({ kind: 'conflict' });
      expect(await store.get('tok_1')).toBeNull();
    });

    it('registers aliases with a store event too, and rolls them back with a lost race', async () => {
      const recorded = await store.recordEvent('evt_a', {
        cart: makeCart({ id: 'c_1', aliases: ['tok_1'] }),
        expectedVersion: null,
        audit: [],
        newAliases: ['tok_1'],
      });
      expect(recorded.kind).toBe('saved');
      const lost = await store.recordEvent('evt_b', {
        cart: makeCart({ id: 'c_1', aliases: ['tok_1', 'tok_2'] }),
        expectedVersion: 7,
        audit: [],
        newAliases: ['tok_2'],
      });
      expect(lost).toEqual({ kind: 'conflict' });
      expect((await store.ownersOf(['tok_1', 'tok_2'])).size).toBe(1);
    });

    it('answers when an address last bought: the newest purchase among its bought carts', async () => {
      expect(await store.lastPurchaseBy('sam@example.com')).toBeNull();
      await create(makeCart({ id: 'c_open' }));
      const bought = (id: string, at: number, email = 'sam@example.com') =>
        makeCart({ id, email, status: 'bought', boughtAt: at, wakeAt: null });
      await create(bought('c_old', T0 + HOUR));
      await create(bought('c_new', T0 + 5 * HOUR));
      await create(bought('c_other', T0 + 9 * HOUR, 'alex@example.com'));
      expect(await store.lastPurchaseBy('sam@example.com')).toBe(T0 + 5 * HOUR);
      expect(await store.lastPurchaseBy('alex@example.com')).toBe(T0 + 9 * HOUR);
      expect(await store.lastPurchaseBy('nobody@example.com')).toBeNull();
    });

    it('keeps a purchase on record under every address the bought cart was known by', async () => {
      await create(
        makeCart({
          id: 'c_1',
          email: 'new@example.com',
          knownEmails: ['new@example.com', 'old@example.com'],
          status: 'bought',
          boughtAt: T0 + HOUR,
          wakeAt: null,
        }),
      );
      expect(await store.lastPurchaseBy('old@example.com')).toBe(T0 + HOUR);
      expect(await store.lastPurchaseBy('new@example.com')).toBe(T0 + HOUR);
    });

    it('counts a cart bought by an update of an open row', async () => {
      const open = await create(makeCart({ id: 'c_1' }));
      await store.save({
        cart: { ...open, status: 'bought', boughtAt: T0 + 2 * HOUR, wakeAt: null },
        expectedVersion: open.version,
        audit: [],
      });
      expect(await store.lastPurchaseBy('sam@example.com')).toBe(T0 + 2 * HOUR);
    });
  });
}
