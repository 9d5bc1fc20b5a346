/**
 * CR_RETAIN_CARTS end to end on each real store (SQLite, DynamoDB Local) through the real intake,
 * waiter and stops: a final cart's one wake-up is the end of its retention; when it fires the row
 * becomes a tombstone with no shopper data, and a late event then neither reopens nor mails it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbCartStore } from '../../src/adapters/dynamodb/dynamodb-cart-store.ts';
import { createDynamoDbUnsubscribeList } from '../../src/adapters/dynamodb/dynamodb-unsubscribe-list.ts';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/sqlite/sqlite-unsubscribe-list.ts';
import { createIntake } from '../../src/app/intake.ts';
import { createStops } from '../../src/app/stops.ts';
import { createWake } from '../../src/app/wake.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { reminderMessageId } from '../../src/domain/copy.ts';
import { type CartEvent, EventType } from '../../src/domain/events.ts';
import { DAY, DEFAULT_POLICY, HOUR, type Policy } from '../../src/domain/policy.ts';
import type { CartStore } from '../../src/ports/cart-store.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';
import type { UnsubscribeList } from '../../src/ports/unsubscribe-list.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { recordingMailer } from '../support/runtime.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const RETAIN = 90 * DAY;
const policy: Policy = { ...DEFAULT_POLICY, quietHours: null, frequencyCapMs: null };

interface Backend {
  readonly store: CartStore;
  readonly unsubscribes: UnsubscribeList;
  /** When the purchase record of (email, cart) goes: 'gone' if already deleted, else its TTL. */
  purchaseFate(email: string, cartId: string): Promise<'gone' | number | 'kept'>;
}

let emulator: DynamoDbLocal | undefined;
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
});

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'SQLite',
    async () => {
      const db = openDatabase({ path: ':memory:' });
      const row = db.prepare('SELECT bought_at FROM purchases WHERE email = ? AND cart_id = ?');
      return {
        store: createSqliteCartStore(db),
        unsubscribes: createSqliteUnsubscribeList(db),
        purchaseFate: async (email, cartId) =>
          row.get(email, cartId) === undefined ? 'gone' : 'kept',
      };
    },
  ],
  [
    'DynamoDB Local',
    async () => {
      if (emulator === undefined) throw new Error('DynamoDB Local did not start');
      const client = emulator.client();
      const tables = await createTables(client);
      return {
        store: createDynamoDbCartStore({
          client,
          stateTable: tables.state,
          auditTable: tables.audit,
          purchaseRetentionMs: policy.retainCartsMs,
        }),
        unsubscribes: createDynamoDbUnsubscribeList({
          client,
          table: tables.unsubscribe,
          auditTable: tables.audit,
        }),
        // DynamoDB deletes by TTL on its own time (Local never does): the item carries the date.
        purchaseFate: async (email, cartId) => {
          const out = await client.send(
            new GetCommand({
              TableName: tables.state,
              Key: { pk: `PURCHASE#${email}`, sk: `CART#${cartId}` },
            }),
          );
          if (out.Item === undefined) return 'gone';
          const ttl = out.Item.expiresAt;
          return typeof ttl === 'number' ? ttl * 1000 : 'kept';
        },
      };
    },
  ],
];

function compose(cart: Cart, step: number): OutgoingEmail {
  return {
    to: cart.email ?? '',
    from: 'shop@shop.test',
    subject: `step ${step}`,
    text: 'text',
    html: '<p>html</p>',
    headers: {},
    messageId: reminderMessageId(cart.id, step, 'shop.test'),
  };
}

function event(id: string, at: number, type: CartEvent['type'], email: string): CartEvent {
  return {
    id,
    type,
    occurredAt: at,
    orderId: type === EventType.checkedOut ? 'order_1' : null,
    aliases: type === EventType.checkedOut ? ['tok_1'] : [],
    cart: {
      id: 'c_1',
      email,
      currency: 'USD',
      totalMinor: 5900,
      items: [
        {
          sku: 'SHIRT',
          name: 'Linen shirt',
          quantity: 1,
          priceMinor: 5900,
          url: null,
          imageUrl: null,
        },
      ],
      restoreUrl: 'https://shop.example/cart/c_1',
      savedLink: false,
      timezone: 'Europe/Paris',
      consent: true,
    },
  };
}

async function world(make: () => Promise<Backend>) {
  const backend = await make();
  const clock = createManualClock(T0);
  const mailer = recordingMailer(clock.now);
  const armed = new Map<string, number | null>();
  const wakeups = {
    async set(cartId: string, at: number | null) {
      armed.set(cartId, at);
    },
  };
  const deps = { store: backend.store, wakeups, policy, clock };
  const ingest = createIntake(deps);
  const stops = createStops({ ...deps, unsubscribes: backend.unsubscribes });
  const wake = createWake({ ...deps, unsubscribes: backend.unsubscribes, mailer, compose });
  return { ...backend, clock, mailer, armed, ingest, stops, wake };
}

const SHOPPER_DATA = ['sam@example.com', 'alex@example.com', 'Linen', 'Europe/Paris', 'cart/c_1'];

for (const [name, make] of backends) {
  describe(`retention on ${name}`, () => {
    it('a bought cart past retention becomes a tombstone; a late cart_updated cannot reopen or mail it', async () => {
      const w = await world(make);
      await w.ingest(event('e1', T0, EventType.updated, 'sam@example.com'));
      w.clock.set(T0 + HOUR / 2);
      await w.ingest(event('co', T0 + HOUR / 2, EventType.checkedOut, 'sam@example.com'));
      const due = T0 + HOUR / 2 + RETAIN;
      expect((await w.store.get('c_1'))?.wakeAt).toBe(due);
      expect(w.armed.get('c_1')).toBe(due);

      // The step-1 timer the checkout raced fires anyway, then one just before the end: nothing.
      w.clock.set(T0 + HOUR);
      expect(await w.wake('c_1')).toMatchObject({ move: { reason: 'bought', wakeAt: due } });
      w.clock.set(due - 1);
      await w.wake('c_1');
      expect((await w.store.get('c_1'))?.email).toBe('sam@example.com');
      expect(await w.store.lastPurchaseBy('sam@example.com')).toBe(T0 + HOUR / 2);

      w.clock.set(due);
      expect(await w.wake('c_1')).toEqual({ kind: 'tombstoned', cartId: 'c_1' });
      const tomb = await w.store.get('c_1');
      expect(tomb).toMatchObject({
        status: 'bought',
        email: null,
        knownEmails: [],
        items: [],
        restoreUrl: null,
        wakeAt: null,
        totalMinor: 5900,
        tombstone: { at: due, hadEmail: true },
      });
      for (const text of SHOPPER_DATA) expect(JSON.stringify(tomb)).not.toContain(text);
      expect(w.armed.get('c_1')).toBeNull();
      const fate = await w.purchaseFate('sam@example.com', 'c_1');
      expect(fate === 'gone' || fate === Math.floor(due / 1000) * 1000).toBe(true);

      // A late delivery, by id and by the checkout's token, with another address: nothing changes.
      w.clock.set(due + DAY);
      const late = event('late', T0 + 2 * HOUR, EventType.updated, 'alex@example.com');
      expect(await w.ingest(late)).toMatchObject({ kind: 'accepted', outcome: 'final' });
      const byAlias = { ...event('late2', due + DAY, EventType.updated, 'alex@example.com') };
      await w.ingest({ ...byAlias, cart: { ...byAlias.cart, id: 'tok_1' } });
      expect(await w.store.get('c_1')).toEqual(tomb);
      expect(await w.store.get('tok_1')).toBeNull();
      expect(await w.wake('c_1')).toMatchObject({ move: { reason: 'bought', wakeAt: null } });
      expect(w.mailer.sent).toEqual([]);
      expect(w.armed.get('c_1')).toBeNull();
    });

    it("an owner's stop arms the end of retention; the tombstone then keeps the stop", async () => {
      const w = await world(make);
      await w.ingest(event('e1', T0, EventType.updated, 'sam@example.com'));
      w.clock.set(T0 + HOUR / 4);
      await w.stops.suppress('c_1', 'owner');
      const due = T0 + HOUR / 4 + RETAIN;
      expect(w.armed.get('c_1')).toBe(due);
      w.clock.set(due + HOUR);
      expect(await w.wake('c_1')).toEqual({ kind: 'tombstoned', cartId: 'c_1' });
      await w.ingest(event('late', T0 + HOUR, EventType.updated, 'sam@example.com'));
      expect(await w.store.get('c_1')).toMatchObject({
        status: 'closed',
        closedReason: 'suppressed',
        email: null,
        items: [],
      });
      expect(w.mailer.sent).toEqual([]);
    });
  });
}
