/**
 * The CartStore's owner-page reads (issue 16): a day a page at a time, its counts, and search by
 * address, cart id or item name. Run against every adapter; one that cannot search a way names
 * the tests in `skip` with its reason, which is printed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/domain/audit.ts';
import type { Cart } from '../../src/domain/cart.ts';
import type { PageFrom, PageRequest } from '../../src/domain/cart-page.ts';
import type { CartStore, Paged } from '../../src/ports/cart-store.ts';
import { DAY, HOUR, makeAudit, makeCart, T0 } from '../support/cart-fixtures.ts';
import type { CartStoreContractOptions, CartStoreHarness } from './cart-store.contract.ts';

export interface CartSearchContractOptions extends CartStoreContractOptions {
  readonly skip?: readonly { readonly reason: string; readonly tests: readonly string[] }[];
}

const MIN = 60_000;

/** Every page from the first, following `hasNext`: the ids in order, and each page's size. */
async function walk(
  read: (request: PageRequest) => Promise<Paged<Cart>>,
  limit: number,
): Promise<{ ids: string[]; sizes: number[]; pages: Paged<Cart>[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  const pages: Paged<Cart>[] = [];
  let from: PageFrom = { kind: 'first' };
  for (let guard = 0; guard < 100; guard++) {
    const page = await read({ from, limit });
    pages.push(page);
    ids.push(...page.rows.map((c) => c.id));
    sizes.push(page.rows.length);
    const last = page.rows.at(-1);
    if (!page.hasNext || last === undefined) break;
    from = { kind: 'after', key: { at: last.lastActivityAt, id: last.id } };
  }
  return { ids, sizes, pages };
}

const newestIds = (carts: readonly Cart[]) =>
  [...carts]
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : -1))
    .map((c) => c.id);

export function runCartSearchContract({ name, make, skip = [] }: CartSearchContractOptions): void {
  const skipped = new Map(skip.flatMap((s) => s.tests.map((test) => [test, s.reason] as const)));
  const test = (title: string, body: () => Promise<void>) => {
    const reason = skipped.get(title);
    if (reason === undefined) it(title, body);
    else console.info(`[contract ${name}] not run: "${title}": ${reason}`);
  };

  describe(`CartStore owner-page reads: ${name}`, () => {
    let harness: CartStoreHarness;
    let store: CartStore;
    beforeEach(async () => {
      harness = await make();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.close();
    });

    async function saveAll(
      carts: readonly Cart[],
      aliases: Record<string, string[]> = {},
      audit: (cart: Cart) => AuditEntry[] = () => [],
    ) {
      for (let i = 0; i < carts.length; i += 25) {
        const results = await Promise.all(
          carts.slice(i, i + 25).map((cart) =>
            store.save({
              cart,
              expectedVersion: null,
              audit: audit(cart),
              newAliases: aliases[cart.id] ?? [],
            }),
          ),
        );
        expect(results.map((r) => r.kind)).toEqual(results.map(() => 'saved'));
      }
    }

    /** 23 carts in the day, three sharing one instant (the id breaks the tie), two outside it. */
    function busyDay(): Cart[] {
      const inDay = Array.from({ length: 20 }, (_, i) =>
        makeCart({ id: `c_${String(i).padStart(2, '0')}`, lastActivityAt: T0 + i * 37 * MIN }),
      );
      const tied = ['c_t1', 'c_t2', 'c_t3'].map((id) =>
        makeCart({ id, lastActivityAt: T0 + 5 * HOUR }),
      );
      const outside = [
        makeCart({ id: 'c_before', lastActivityAt: T0 - 1 }),
        makeCart({ id: 'c_after', lastActivityAt: T0 + DAY }),
      ];
      return [...inDay, ...tied, ...outside];
    }

    test('pages a day newest first with no duplicate and no gap', async () => {
      const carts = busyDay();
      await saveAll(carts);
      const { ids, sizes, pages } = await walk((r) => store.dayPage(T0, T0 + DAY, null, r), 7);
      const expected = newestIds(carts.filter((c) => c.id !== 'c_before' && c.id !== 'c_after'));
      expect(ids).toEqual(expected);
      expect(sizes).toEqual([7, 7, 7, 2]);
      expect(pages.map((p) => p.hasPrevious)).toEqual([false, true, true, true]);
      expect(pages.at(-1)?.hasNext).toBe(false);
    });

    test('a previous page is the one before, and the first has none before it', async () => {
      await saveAll(busyDay());
      const read = (from: PageFrom) => store.dayPage(T0, T0 + DAY, null, { from, limit: 7 });
      const first = await read({ kind: 'first' });
      const lastOfFirst = first.rows.at(-1) as Cart;
      const second = await read({
        kind: 'after',
        key: { at: lastOfFirst.lastActivityAt, id: lastOfFirst.id },
      });
      const top = second.rows[0] as Cart;
      const back = await read({ kind: 'before', key: { at: top.lastActivityAt, id: top.id } });
      expect(back.rows.map((c) => c.id)).toEqual(first.rows.map((c) => c.id));
      expect(back.hasPrevious).toBe(false);
      expect(back.hasNext).toBe(true);
    });

    test('a cart arriving while the owner pages neither repeats a row nor hides one', async () => {
      const carts = busyDay();
      await saveAll(carts);
      const first = await store.dayPage(T0, T0 + DAY, null, { from: { kind: 'first' }, limit: 7 });
      // Newer than everything shown, and one older than the page's end: only the older is ahead.
      await saveAll([
        makeCart({ id: 'c_new_top', lastActivityAt: T0 + 23 * HOUR }),
        makeCart({ id: 'c_new_old', lastActivityAt: T0 + 2 * MIN }),
      ]);
      const ids = first.rows.map((c) => c.id);
      let last = first.rows.at(-1) as Cart;
      for (let more = true; more; ) {
        const page = await store.dayPage(T0, T0 + DAY, null, {
          from: { kind: 'after', key: { at: last.lastActivityAt, id: last.id } },
          limit: 7,
        });
        ids.push(...page.rows.map((c) => c.id));
        last = page.rows.at(-1) ?? last;
        more = page.hasNext;
      }
      const shown = carts.filter((c) => c.id !== 'c_before' && c.id !== 'c_after');
      expect(ids).toEqual(
        newestIds([...shown, makeCart({ id: 'c_new_old', lastActivityAt: T0 + 2 * MIN })]),
      );
    });

    test('pages one status and counts the day by status', async () => {
      const carts = busyDay().map((cart, i) =>
        i % 3 === 0
          ? {
              ...cart,
              status: 'bought' as const,
              boughtAt: cart.lastActivityAt + MIN,
              wakeAt: null,
            }
          : i % 5 === 0
            ? { ...cart, status: 'closed' as const, closedReason: 'suppressed' as const }
            : cart,
      );
      const recovered = { ...(carts[3] as Cart), recoveredAt: T0 + 3 * HOUR };
      carts[3] = recovered;
      await saveAll(carts);
      const day = carts.filter((c) => c.id !== 'c_before' && c.id !== 'c_after');
      const bought = day.filter((c) => c.status === 'bought');
      const { ids } = await walk((r) => store.dayPage(T0, T0 + DAY, 'bought', r), 3);
      expect(ids).toEqual(newestIds(bought));
      expect(await store.dayCounts(T0, T0 + DAY)).toEqual({
        all: day.length,
        open: day.filter((c) => c.status === 'open').length,
        bought: bought.length,
        closed: day.filter((c) => c.status === 'closed').length,
        recovered: 1,
      });
    });

    test('finds every cart of an address, any status and day, newest first', async () => {
      const mine = Array.from({ length: 12 }, (_, i) =>
        makeCart({
          id: `c_sam_${i}`,
          email: 'sam.lee@example.com',
          lastActivityAt: T0 - i * 3 * DAY,
          ...(i % 4 === 1 ? { status: 'bought' as const, boughtAt: T0 - i * 3 * DAY + MIN } : {}),
          ...(i % 4 === 2
            ? { status: 'closed' as const, closedReason: 'written_off' as const }
            : {}),
        }),
      );
      const others = [
        makeCart({ id: 'c_other', email: 'sam.lee@example.org' }),
        makeCart({ id: 'c_none', email: null }),
      ];
      // A cart is closed by a stop, and a stop leaves its audit row (as stops.ts writes it).
      const stopRow = (cart: Cart) =>
        cart.status === 'closed'
          ? [makeAudit({ cartId: cart.id, email: cart.email, action: 'write_off', after: cart })]
          : [];
      await saveAll([...mine, ...others], {}, stopRow);
      const { ids, sizes } = await walk((r) => store.searchCarts(' Sam.Lee@Example.com ', r), 5);
      expect(ids).toEqual(newestIds(mine));
      expect(sizes).toEqual([5, 5, 2]);
    });

    test('finds a cart by its id or by one of its aliases', async () => {
      await saveAll([makeCart({ id: 'c_77' }), makeCart({ id: 'c_78', email: 'x@example.com' })], {
        c_78: ['checkout_tok_9'],
      });
      const first = { from: { kind: 'first' }, limit: 100 } as const;
      expect((await store.searchCarts('c_77', first)).rows.map((c) => c.id)).toEqual(['c_77']);
      expect((await store.searchCarts('checkout_tok_9', first)).rows.map((c) => c.id)).toEqual([
        'c_78',
      ]);
      expect((await store.searchCarts('c_7', first)).rows).toEqual([]);
    });

    test('finds carts by part of an item name, in any case', async () => {
      const named = (id: string, name: string, at: number) =>
        makeCart({
          id,
          lastActivityAt: at,
          items: [{ sku: id, name, quantity: 1, priceMinor: 100, url: null, imageUrl: null }],
        });
      await saveAll([
        named('c_a', 'Merino wool scarf', T0 - 3 * DAY),
        named('c_b', 'Scarf ring', T0),
        named('c_c', 'Linen shirt', T0 + HOUR),
      ]);
      const page = await store.searchCarts('SCARF', { from: { kind: 'first' }, limit: 10 });
      expect(page.rows.map((c) => c.id)).toEqual(['c_b', 'c_a']);
      expect(page.notSearched).toEqual([]);
      // An item renamed by a later write is found by its new name only.
      const b = (await store.get('c_b')) as Cart;
      await store.save({
        cart: { ...b, items: [{ ...(b.items[0] as Cart['items'][number]), name: 'Hat' }] },
        expectedVersion: b.version,
        audit: [],
      });
      const again = await store.searchCarts('scarf', { from: { kind: 'first' }, limit: 10 });
      expect(again.rows.map((c) => c.id)).toEqual(['c_a']);
    });

    test('finds an item-name match at its cart’s newest activity', async () => {
      const scarf = {
        sku: 'S',
        name: 'Wool scarf',
        quantity: 1,
        priceMinor: 100,
        url: null,
        imageUrl: null,
      };
      await saveAll([
        makeCart({ id: 'c_old', lastActivityAt: T0, items: [scarf] }),
        makeCart({ id: 'c_new', lastActivityAt: T0 + HOUR, items: [scarf] }),
      ]);
      const old = (await store.get('c_old')) as Cart;
      await store.save({
        cart: { ...old, lastActivityAt: T0 + 2 * HOUR },
        expectedVersion: old.version,
        audit: [],
      });
      const page = await store.searchCarts('wool', { from: { kind: 'first' }, limit: 10 });
      expect(page.rows.map((c) => c.id)).toEqual(['c_old', 'c_new']);
    });

    it('says which ways it did not search rather than answering nothing', async () => {
      await saveAll([makeCart({ id: 'c_1' })]);
      const page = await store.searchCarts('sh', { from: { kind: 'first' }, limit: 10 });
      expect(page.rows).toEqual([]);
      expect(page.notSearched.map((n) => n.by)).toEqual(['itemName']);
      expect(page.notSearched[0]?.reason).toMatch(/item names/);
    });
  });
}
