/**
 * The CartStore contract: one suite, run against every adapter (SQLite, DynamoDB), as Hono runs
 * one router suite against every router. An adapter passes it or says why it cannot.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, StoredAuditEntry } from '../../src/domain/audit.ts';
import type { Cart } from '../../src/domain/cart.ts';
import type { CartStore } from '../../src/ports/cart-store.ts';
import { collect, HOUR, makeAudit, makeCart, T0 } from '../support/cart-fixtures.ts';

export interface CartStoreHarness {
  readonly store: CartStore;
  close(): Promise<void>;
}

export interface CartStoreContractOptions {
  readonly name: string;
  readonly make: () => Promise<CartStoreHarness>;
}

/** Saves many carts a few at a time: enough parallelism to be quick, not enough to throttle. */
async function saveAll(store: CartStore, carts: readonly Cart[]): Promise<void> {
  for (let i = 0; i < carts.length; i += 25) {
    const chunk = carts.slice(i, i + 25);
    const results = await Promise.all(
      chunk.map((cart) => store.save({ cart, expectedVersion: null, audit: [] })),
    );
    expect(results.every((r) => r.kind === 'saved')).toBe(true);
  }
}

const byActivity = (a: Cart, b: Cart) =>
  a.lastActivityAt - b.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function runCartStoreContract({ name, make }: CartStoreContractOptions): void {
  describe(`CartStore contract: ${name}`, () => {
    let harness: CartStoreHarness;
    let store: CartStore;
    beforeEach(async () => {
      harness = await make();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.close();
    });

    async function create(cart: Cart, audit: readonly AuditEntry[] = []): Promise<Cart> {
      const result = await store.save({ cart, expectedVersion: null, audit });
      if (result.kind !== 'saved') throw new Error(`could not create ${cart.id}`);
      return result.cart;
    }

    describe('get and save', () => {
      it('answers null for a cart it never saw', async () => {
        expect(await store.get('c_missing')).toBeNull();
      });

      it('creates version 1 when the row must not exist yet, and reads it back', async () => {
        const result = await store.save({ cart: makeCart(), expectedVersion: null, audit: [] });
        expect(result).toEqual({ kind: 'saved', cart: makeCart({ version: 1 }) });
        expect(await store.get('c_1')).toEqual(makeCart({ version: 1 }));
      });

      it('refuses a second create of the same id and keeps the first row', async () => {
        await create(makeCart({ totalMinor: 100 }));
        const second = await store.save({
          cart: makeCart({ totalMinor: 999 }),
          expectedVersion: null,
          audit: [makeAudit()],
        });
        expect(second).toEqual({ kind: 'conflict' });
        expect((await store.get('c_1'))?.totalMinor).toBe(100);
        expect(await store.auditFor('c_1')).toEqual([]);
      });

      it('bumps the version on a write from the version it read', async () => {
        const v1 = await create(makeCart());
        const result = await store.save({
          cart: { ...v1, remindersSent: 1 },
          expectedVersion: 1,
          audit: [],
        });
        expect(result).toEqual({ kind: 'saved', cart: { ...v1, remindersSent: 1, version: 2 } });
        expect(await store.get('c_1')).toEqual({ ...v1, remindersSent: 1, version: 2 });
      });

      it('turns a write from a stale version into a conflict that changes neither row nor audit', async () => {
        const v1 = await create(makeCart());
        await store.save({ cart: { ...v1, remindersSent: 1 }, expectedVersion: 1, audit: [] });
        const stale = await store.save({
          cart: { ...v1, status: 'bought', boughtAt: T0 + HOUR },
          expectedVersion: 1,
          audit: [makeAudit({ action: 'checkout', after: v1 })],
        });
        expect(stale).toEqual({ kind: 'conflict' });
        expect(await store.get('c_1')).toEqual({ ...v1, remindersSent: 1, version: 2 });
        expect(await store.auditFor('c_1')).toEqual([]);
      });

      it('persists the wake-up time, and its removal', async () => {
        const v1 = await create(makeCart({ wakeAt: T0 + 2 * HOUR }));
        expect((await store.get('c_1'))?.wakeAt).toBe(T0 + 2 * HOUR);
        await store.save({ cart: { ...v1, wakeAt: null }, expectedVersion: 1, audit: [] });
        expect((await store.get('c_1'))?.wakeAt).toBeNull();
      });

      it('lets exactly one of two concurrent writers from the same read win', async () => {
        const v1 = await create(makeCart());
        const [a, b] = await Promise.all([
          store.save({ cart: { ...v1, totalMinor: 1 }, expectedVersion: 1, audit: [makeAudit()] }),
          store.save({ cart: { ...v1, totalMinor: 2 }, expectedVersion: 1, audit: [makeAudit()] }),
        ]);
        const kinds = [a?.kind, b?.kind].sort();
        expect(kinds).toEqual(['conflict', 'saved']);
        const winner = a?.kind === 'saved' ? a.cart : b?.kind === 'saved' ? b.cart : null;
        expect(await store.get('c_1')).toEqual(winner);
        expect(winner?.version).toBe(2);
        expect(await store.auditFor('c_1')).toHaveLength(1);
      });
    });

    describe('audit written with the change', () => {
      it('writes the audit rows of a save, oldest first, with after being the stored row', async () => {
        const draft = makeCart();
        const saved = await create(draft, [
          makeAudit({ action: 'created', at: T0, after: draft }),
          makeAudit({
            action: 'reminder_held',
            at: T0,
            reason: 'quiet_hours',
            detail: { step: 1 },
          }),
        ]);
        await store.save({
          cart: { ...saved, status: 'closed', closedReason: 'suppressed', wakeAt: null },
          expectedVersion: 1,
          audit: [
            makeAudit({
              action: 'suppress',
              actor: 'alex',
              at: T0 + HOUR,
              before: saved,
              after: saved,
            }),
          ],
        });
        const rows = await store.auditFor('c_1');
        expect(rows.map((r) => r.action)).toEqual(['created', 'reminder_held', 'suppress']);
        expect(rows[0]?.after).toEqual(saved);
        expect(rows[1]).toMatchObject({ reason: 'quiet_hours', detail: { step: 1 }, after: null });
        expect(rows[2]).toMatchObject({ actor: 'alex', at: T0 + HOUR, before: saved });
        expect(rows[2]?.after).toEqual(await store.get('c_1'));
        expect(new Set(rows.map((r) => r.id)).size).toBe(3);
      });

      it('appends audit rows that change no cart, found by cart and by address', async () => {
        await store.appendAudit([
          makeAudit({
            cartId: null,
            email: 'pat@example.com',
            action: 'unsubscribe',
            actor: 'shopper',
          }),
          makeAudit({
            cartId: 'c_9',
            email: null,
            action: 'clicked',
            actor: 'shopper',
            at: T0 + 1,
          }),
        ]);
        expect(await store.auditForEmail('pat@example.com')).toMatchObject([
          { cartId: null, action: 'unsubscribe', actor: 'shopper' },
        ]);
        expect(await store.auditFor('c_9')).toMatchObject([{ action: 'clicked', email: null }]);
      });

      it('finds the rows about one address, oldest first, and none of other addresses', async () => {
        await create(makeCart({ id: 'c_a' }), [makeAudit({ cartId: 'c_a', at: T0 + 3 })]);
        await store.appendAudit([
          makeAudit({ cartId: null, action: 'bounced', at: T0 + 1 }),
          makeAudit({ cartId: null, email: 'other@example.com', action: 'bounced', at: T0 + 2 }),
          makeAudit({ cartId: 'c_b', action: 'reminder_sent', at: T0 + 5 }),
        ]);
        const rows = await store.auditForEmail('sam@example.com');
        expect(rows.map((r) => [r.action, r.at])).toEqual([
          ['bounced', T0 + 1],
          ['created', T0 + 3],
          ['reminder_sent', T0 + 5],
        ]);
      });

      it('orders audit rows by time even when an earlier one was written later', async () => {
        await store.appendAudit([makeAudit({ action: 'reminder_sent', at: T0 + 2 * HOUR })]);
        await store.appendAudit([makeAudit({ action: 'suppress', actor: 'alex', at: T0 + HOUR })]);
        const expected = [
          ['suppress', T0 + HOUR],
          ['reminder_sent', T0 + 2 * HOUR],
        ];
        const pairs = (rows: StoredAuditEntry[]) => rows.map((r) => [r.action, r.at]);
        expect(pairs(await store.auditFor('c_1'))).toEqual(expected);
        expect(pairs(await store.auditForEmail('sam@example.com'))).toEqual(expected);
        expect(pairs(await collect(store.auditBetween(T0, T0 + 3 * HOUR)))).toEqual(expected);
      });

      it('counts the reminders sent to an address since a time, and nothing else', async () => {
        const sent = (at: number, email = 'sam@example.com', cartId = 'c_1') =>
          makeAudit({ cartId, email, action: 'reminder_sent', at });
        await store.appendAudit([
          sent(T0),
          sent(T0 + HOUR),
          makeAudit({ action: 'reminder_held', at: T0 + 2 * HOUR }),
          sent(T0 + 3 * HOUR, 'sam@example.com', 'c_2'),
          sent(T0 + 4 * HOUR, 'other@example.com'),
        ]);
        expect(await store.sendsTo('sam@example.com', T0 + HOUR)).toEqual([
          T0 + HOUR,
          T0 + 3 * HOUR,
        ]);
        expect(await store.sendsTo('sam@example.com', T0 + 5 * HOUR)).toEqual([]);
        expect(await store.sendsTo('nobody@example.com', 0)).toEqual([]);
      });

      it('lists the audit rows in [from, to) oldest first, across pages and months', async () => {
        // 1,200 rows, one a minute, starting two hours before November: more than one page.
        const start = Date.UTC(2026, 10, 1) - 2 * HOUR;
        const entries = Array.from({ length: 1200 }, (_, i) =>
          makeAudit({
            cartId: `c_${i % 7}`,
            email: null,
            action: 'clicked',
            at: start + i * 60_000,
          }),
        );
        for (let i = 0; i < entries.length; i += 100)
          await store.appendAudit(entries.slice(i, i + 100));
        const from = start + 10 * 60_000;
        const to = start + 1150 * 60_000;
        const rows = await collect(store.auditBetween(from, to));
        expect(rows.map((r) => r.at)).toEqual(
          entries.filter((e) => e.at >= from && e.at < to).map((e) => e.at),
        );
        expect(await collect(store.auditBetween(to, to))).toEqual([]);
      });
    });

    describe('recordEvent', () => {
      it('applies a new event once; the same id again writes nothing', async () => {
        const first = await store.recordEvent('evt_1', {
          cart: makeCart(),
          expectedVersion: null,
          audit: [makeAudit()],
        });
        expect(first).toEqual({ kind: 'saved', cart: makeCart({ version: 1 }) });
        const again = await store.recordEvent('evt_1', {
          cart: makeCart({ totalMinor: 1 }),
          expectedVersion: 1,
          audit: [makeAudit()],
        });
        // It says which row the id was recorded for, so a reuse for another cart is told apart.
        expect(again).toEqual({ kind: 'duplicate', cartId: 'c_1' });
        expect(await store.get('c_1')).toEqual(makeCart({ version: 1 }));
        expect(await store.auditFor('c_1')).toHaveLength(1);
      });

      it('rolls back the event id with a conflicting change, so the retry is not a duplicate', async () => {
        await create(makeCart());
        const clash = await store.recordEvent('evt_2', {
          cart: makeCart({ totalMinor: 1 }),
          expectedVersion: null,
          audit: [makeAudit()],
        });
        expect(clash).toEqual({ kind: 'conflict' });
        expect(await store.auditFor('c_1')).toEqual([]);
        const retry = await store.recordEvent('evt_2', {
          cart: makeCart({ totalMinor: 1 }),
          expectedVersion: 1,
          audit: [makeAudit()],
        });
        expect(retry).toMatchObject({ kind: 'saved', cart: { totalMinor: 1, version: 2 } });
      });

      it('remembers an event id that changes no row, and the row it was about', async () => {
        expect(await store.recordEvent('evt_stale', null, 'c_9')).toEqual({
          kind: 'saved',
          cart: null,
        });
        const again = await store.recordEvent('evt_stale', {
          cart: makeCart(),
          expectedVersion: null,
          audit: [],
        });
        expect(again).toEqual({ kind: 'duplicate', cartId: 'c_9' });
        expect(await store.get('c_1')).toBeNull();
      });
    });

    describe('queries', () => {
      it('lists exactly the carts active in [from, to), in (lastActivityAt, id) order, across pages and days', async () => {
        // 2,500 carts, one group of five every 3 minutes from 04:00 the day before: three UTC days,
        // 2,000 carts on the middle one (more than one page anywhere), ties inside each group.
        const carts = Array.from({ length: 2500 }, (_, i) =>
          makeCart({
            id: `c_${(i * 7919) % 2500}`,
            lastActivityAt:
              T0 - 4 * HOUR + Math.floor(i / 5) * 3 * 60_000 + (i % 5 < 2 ? 0 : i % 5),
          }),
        );
        await saveAll(store, carts);
        const sorted = [...carts].map((c) => ({ ...c, version: 1 })).sort(byActivity);
        const from = sorted[137]?.lastActivityAt ?? 0;
        const to = sorted[2301]?.lastActivityAt ?? 0;
        const listed = await collect(store.listByActivity(from, to));
        const expected = sorted.filter((c) => c.lastActivityAt >= from && c.lastActivityAt < to);
        expect(expected.length).toBeGreaterThan(2000);
        expect(listed.map((c) => c.id)).toEqual(expected.map((c) => c.id));
        expect(listed[0]).toEqual(expected[0]);
        expect(await collect(store.listByActivity(from, from))).toEqual([]);
        const oneMs = await collect(store.listByActivity(from, from + 1));
        expect(oneMs.map((c) => c.id)).toEqual(
          sorted.filter((c) => c.lastActivityAt === from).map((c) => c.id),
        );
      });

      it('pages through every open cart exactly once, whatever the page size', async () => {
        const open = Array.from({ length: 23 }, (_, i) =>
          makeCart({ id: `c_open_${i}`, wakeAt: i % 4 === 0 ? null : T0 + i * HOUR }),
        );
        await saveAll(store, [
          ...open,
          makeCart({ id: 'c_bought', status: 'bought', boughtAt: T0, wakeAt: null }),
          makeCart({ id: 'c_closed', status: 'closed', closedReason: 'written_off', wakeAt: null }),
        ]);
        // Other kinds of rows (aliases, seen events) share the table on DynamoDB: never listed.
        await store.save({
          cart: makeCart({ id: 'c_aliased', aliases: ['chk_1'] }),
          expectedVersion: null,
          audit: [],
          newAliases: ['chk_1'],
        });
        await store.recordEvent('evt_seen', null, 'c_open_0');
        const expected = [...open.map((c) => c.id), 'c_aliased'].sort();
        for (const limit of [1, 5, 100]) {
          const seen: Cart[] = [];
          let after: string | null = null;
          for (let pages = 0; pages < 500; pages++) {
            const page = await store.cartsToRearm(after, limit);
            expect(page.carts.length).toBeLessThanOrEqual(limit);
            seen.push(...page.carts);
            after = page.next;
            if (after === null) break;
          }
          expect(after).toBeNull();
          expect(seen.map((c) => c.id).sort()).toEqual(expected);
          expect(seen.find((c) => c.id === 'c_open_3')).toEqual(
            makeCart({ id: 'c_open_3', wakeAt: T0 + 3 * HOUR, version: 1 }),
          );
        }
      });

      it('lists no open carts in an empty table, and drops a cart once it is bought', async () => {
        expect(await store.cartsToRearm(null, 10)).toEqual({ carts: [], next: null });
        const v1 = await create(makeCart({ id: 'c_soon_bought' }));
        await store.save({
          cart: { ...v1, status: 'bought', boughtAt: T0, wakeAt: null },
          expectedVersion: 1,
          audit: [],
        });
        const page = await store.cartsToRearm(null, 10);
        expect(page.carts).toEqual([]);
      });

      it('lists an ended cart while it holds its retention wake-up, and not once it is a tombstone', async () => {
        const kept = makeCart({
          id: 'c_kept',
          status: 'bought',
          boughtAt: T0,
          wakeAt: T0 + 90 * 24 * HOUR,
        });
        const tombstone = makeCart({
          id: 'c_gone',
          status: 'closed',
          closedReason: 'written_off',
          wakeAt: null,
          tombstone: { at: T0, hadEmail: true },
        });
        await saveAll(store, [kept, tombstone]);
        const page = await store.cartsToRearm(null, 10);
        expect(page.carts).toEqual([{ ...kept, version: 1 }]);
      });

      it("lists only an address's open carts, newest first", async () => {
        await saveAll(store, [
          makeCart({ id: 'c_old', lastActivityAt: T0 }),
          makeCart({ id: 'c_new', lastActivityAt: T0 + 2 * HOUR }),
          makeCart({ id: 'c_mid', lastActivityAt: T0 + HOUR }),
          makeCart({
            id: 'c_bought',
            lastActivityAt: T0 + 3 * HOUR,
            status: 'bought',
            boughtAt: T0,
          }),
          makeCart({ id: 'c_closed', status: 'closed', closedReason: 'written_off' }),
          makeCart({ id: 'c_other', email: 'other@example.com' }),
          makeCart({ id: 'c_anon', email: null }),
        ]);
        const open = await store.openCartsFor('sam@example.com');
        expect(open.map((c) => c.id)).toEqual(['c_new', 'c_mid', 'c_old']);
        expect(open[0]).toEqual(
          makeCart({ id: 'c_new', lastActivityAt: T0 + 2 * HOUR, version: 1 }),
        );

        const mid = await store.get('c_mid');
        if (mid === null) throw new Error('c_mid missing');
        await store.save({ cart: { ...mid, status: 'bought' }, expectedVersion: 1, audit: [] });
        expect((await store.openCartsFor('sam@example.com')).map((c) => c.id)).toEqual([
          'c_new',
          'c_old',
        ]);
      });

      it('keeps the stored version equal to the successful saves, and the row equal to the last one', async () => {
        let run = 0;
        const writer = fc.record({ stale: fc.boolean(), total: fc.nat(1_000_000) });
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(writer, { minLength: 1, maxLength: 4 }), { maxLength: 5 }),
            async (batches) => {
              const id = `c_prop_${run++}`;
              let current = await create(makeCart({ id }));
              let successes = 1;
              for (const batch of batches) {
                // Every writer in a batch read the row at the same moment; stale ones read an older version.
                const read = current.version;
                const results = await Promise.all(
                  batch.map((w) =>
                    store.save({
                      cart: { ...current, totalMinor: w.total },
                      expectedVersion: w.stale ? read - 1 : read,
                      audit: [makeAudit({ cartId: id, action: 'clicked' })],
                    }),
                  ),
                );
                const won = results.flatMap((r) => (r.kind === 'saved' ? [r.cart] : []));
                expect(won.length).toBeLessThanOrEqual(1);
                if (batch.some((w) => !w.stale)) expect(won).toHaveLength(1);
                const winner = won[0];
                if (winner !== undefined) {
                  successes++;
                  current = winner;
                }
              }
              const stored = await store.get(id);
              expect(stored?.version).toBe(successes);
              expect(stored).toEqual(current);
              expect(await store.auditFor(id)).toHaveLength(successes - 1);
            },
          ),
          { numRuns: 25 },
        );
      });
    });
  });
}
