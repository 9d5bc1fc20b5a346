import { createHash } from 'node:crypto';
/**
 * What the DynamoDB adapters promise beyond the port contract: the item layout the CDK stack's
 * indexes rely on, paging, consumed-capacity accounting and error translation.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CartStoreError,
  createDynamoDbCartStore,
} from '../../src/adapters/dynamodb/dynamodb-cart-store.ts';
import { createDynamoDbMeter } from '../../src/adapters/dynamodb/dynamodb-meter.ts';
import {
  auditTableDefinition,
  shardOf,
  stateTableDefinition,
  toDocumentClient,
} from '../../src/adapters/dynamodb/dynamodb-tables.ts';
import { createUsageCounter } from '../../src/adapters/usage/usage-counter.ts';
import { collect, HOUR, makeAudit, makeCart, T0 } from '../support/cart-fixtures.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';

let emulator: DynamoDbLocal;
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
});
afterAll(async () => {
  await emulator?.stop();
});

const NOW = Date.UTC(2026, 10, 23, 12);

async function setup() {
  const client = emulator.client();
  const tables = await createTables(client);
  const usage = createUsageCounter();
  const store = createDynamoDbCartStore({
    client,
    stateTable: tables.state,
    auditTable: tables.audit,
    usage,
    clock: { now: () => NOW },
  });
  const raw = async (table: string, pk: string, sk: string) =>
    (await toDocumentClient(client).send(new GetCommand({ TableName: table, Key: { pk, sk } })))
      .Item;
  return { client, tables, usage, store, raw };
}

/** A store whose every request is priced by the billing meter, as the month bench prices it. */
async function meteredSetup() {
  const client = emulator.client();
  const probe = emulator.client();
  const tables = await createTables(probe);
  const meter = createDynamoDbMeter({
    tables: [stateTableDefinition(tables.state), auditTableDefinition(tables.audit)],
    probe,
  });
  meter.attach(client);
  const store = createDynamoDbCartStore({
    client,
    stateTable: tables.state,
    auditTable: tables.audit,
  });
  return { tables, meter, store };
}

describe('DynamoDB cart store, beyond the contract', () => {
  it('lays out the cart item for the byEmail (open carts only) and byDay indexes', async () => {
    const { tables, store, raw } = await setup();
    const at = Date.UTC(2026, 10, 23, 23, 59, 59, 999);
    await store.save({ cart: makeCart({ lastActivityAt: at }), expectedVersion: null, audit: [] });
    const open = await raw(tables.state, 'CART#c_1', 'CART');
    expect(open).not.toHaveProperty('gsi1sk');
    expect(open).not.toHaveProperty('gsi2sk');
    // Index keys that do not move with activity inside a day; the day split over shards.
    expect(open).toMatchObject({
      version: 1,
      gsi1pk: 'EMAIL#sam@example.com',
      gsi2pk: `DAY#2026-11-23#${shardOf('CART#c_1')}`,
      lastActivityAt: at,
      wakeAt: at + HOUR,
    });
    const cart = await store.get('c_1');
    if (cart === null) throw new Error('missing');
    await store.save({
      cart: { ...cart, status: 'bought', wakeAt: null },
      expectedVersion: 1,
      audit: [],
    });
    const bought = await raw(tables.state, 'CART#c_1', 'CART');
    expect(bought).not.toHaveProperty('gsi1pk');
    expect(bought).not.toHaveProperty('wakeAt');
  });

  it('remembers a seen event for 30 days (TTL) and keeps audit rows about 13 months', async () => {
    const { tables, store, raw } = await setup();
    await store.recordEvent('evt_9', {
      cart: makeCart(),
      expectedVersion: null,
      audit: [makeAudit()],
    });
    const event = await raw(tables.state, 'EVENT#evt_9', 'EVENT');
    expect(event?.expiresAt).toBe(NOW / 1000 + 30 * 86_400);
    const [row] = await store.auditFor('c_1');
    expect(row?.id).toMatch(/^00\d{13}#/);
    const stored = await raw(tables.audit, 'CART#c_1', String(row?.id));
    expect(stored).toMatchObject({
      gsi1pk: 'EMAIL#sam@example.com',
      gsi2pk: `MONTH#2026-11#${shardOf('CART#c_1')}`,
      expiresAt: T0 / 1000 + 400 * 86_400,
    });
  });

  it('pages through a day bigger than one 1 MB query page, and counts the units it used', async () => {
    const { store, usage } = await setup();
    // Names that do not compress (rows are stored compressed), so the day needs several pages.
    const noise = (i: number) =>
      Array.from({ length: 4 }, (_, k) =>
        createHash('sha256').update(`${i}.${k}`).digest('hex'),
      ).join('');
    const items = Array.from({ length: 40 }, (_, i) => ({
      sku: `SKU-${i}`,
      name: `Product ${i} ${noise(i)}`,
      quantity: 1,
      priceMinor: 100,
      url: `https://shop.example/p/${i}`,
      imageUrl: `https://shop.example/i/${i}.jpg`,
    }));
    const carts = Array.from({ length: 300 }, (_, i) =>
      makeCart({ id: `c_${i}`, items, lastActivityAt: T0 + i * 1000 }),
    );
    for (let i = 0; i < carts.length; i += 25) {
      await Promise.all(
        carts
          .slice(i, i + 25)
          .map((cart) => store.save({ cart, expectedVersion: null, audit: [] })),
      );
    }
    usage.reset();
    const listed = await collect(store.listByActivity(T0, T0 + HOUR));
    expect(listed.map((c) => c.id)).toEqual(carts.map((c) => c.id));
    const list = usage.snapshot().dynamodb['cart.listByActivity'];
    expect(list?.calls).toBeGreaterThan(1);
    expect(list?.readUnits).toBeGreaterThan(0);

    usage.reset();
    const first = carts[0];
    if (first === undefined) throw new Error('no carts');
    await store.save({ cart: first, expectedVersion: 1, audit: [makeAudit({ cartId: first.id })] });
    await store.get(first.id);
    const snap = usage.snapshot();
    expect(snap.dynamodb['cart.save']?.writeUnits).toBeGreaterThan(0);
    expect(snap.dynamodb['cart.get']?.readUnits).toBeGreaterThan(0);
  });

  it('turns a fault into a CartStoreError naming the table and keeping the cause', async () => {
    const client = emulator.client();
    const store = createDynamoDbCartStore({
      client,
      stateTable: 'cr-state-missing',
      auditTable: 'cr-audit-missing',
    });
    const failure = store.save({ cart: makeCart(), expectedVersion: null, audit: [] });
    await expect(failure).rejects.toBeInstanceOf(CartStoreError);
    await expect(failure).rejects.toMatchObject({
      name: 'CartStoreError',
      cause: { name: 'ResourceNotFoundException' },
    });
    await expect(store.get('c_1')).rejects.toThrow(/GetItem on table cr-state-missing/);
    await expect(collect(store.auditBetween(T0, T0 + HOUR))).rejects.toThrow(/cr-audit-missing/);
  });

  it('writes an update of the row alone as one plain Put, touching only the byDay time', async () => {
    const { tables, meter, store } = await meteredSetup();
    await store.save({ cart: makeCart(), expectedVersion: null, audit: [] });
    meter.reset();
    // Later the same day: new activity, a new wake-up. Address and day unchanged.
    const later = makeCart({ lastActivityAt: T0 + HOUR, wakeAt: T0 + 2 * HOUR, totalMinor: 9000 });
    expect(await store.save({ cart: later, expectedVersion: 1, audit: [] })).toMatchObject({
      kind: 'saved',
    });
    const snap = meter.snapshot();
    expect(Object.keys(snap.byOperation)).toEqual([`PutItem ${tables.state}`]);
    // byEmail (keys only, keyed by cart id) writes nothing; byDay rewrites its small entry once.
    expect(snap.totals.indexWriteUnits).toBe(1);
    expect(await collect(store.listByActivity(T0 + HOUR, T0 + 2 * HOUR))).toEqual([
      { ...later, version: 2 },
    ]);
    expect(await store.openCartsFor('sam@example.com')).toEqual([{ ...later, version: 2 }]);
  });

  it('records a send or a stop in one transaction with its audit row; an update row follows', async () => {
    const { meter, store } = await meteredSetup();
    await store.save({ cart: makeCart(), expectedVersion: null, audit: [] });
    const apis = () => Object.keys(meter.snapshot().byOperation).map((op) => op.split(' ')[0]);
    // A held step may trail its row: a crash between them loses only a note.
    meter.reset();
    await store.save({
      cart: makeCart({ wakeAt: T0 + 3 * HOUR }),
      expectedVersion: 1,
      audit: [makeAudit({ action: 'reminder_held' })],
    });
    expect(apis()).not.toContain('TransactWriteItems');
    // A send is counted by the frequency cap from its audit row: never one without the other.
    for (const [version, action] of [
      [2, 'reminder_sent'],
      [3, 'suppress'],
    ] as const) {
      meter.reset();
      await store.save({
        cart: makeCart({ remindersSent: 1 }),
        expectedVersion: version,
        audit: [makeAudit({ action, at: T0 + version })],
      });
      // The row and its audit row in one transaction; only the day's counter may follow.
      expect(apis()).toContain('TransactWriteItems');
      expect(apis()).not.toContain('PutItem');
    }
    expect(await store.sendsTo('sam@example.com', T0)).toEqual([T0 + 2]);
  });

  it('knows a delivery that wrote its row but died before its event marker, on retry', async () => {
    const { tables, store, raw, usage } = await setup();
    // What the first delivery of evt_7 left: its row (the row names its last event), no marker.
    await store.save({
      cart: makeCart({ lastEventId: 'evt_7' }),
      expectedVersion: null,
      audit: [],
    });
    expect(await raw(tables.state, 'EVENT#evt_7', 'EVENT')).toBeUndefined();
    // The retry folds into nothing new (the row holds it): a duplicate, so intake re-arms.
    expect(await store.recordEvent('evt_7', null, 'c_1')).toEqual({
      kind: 'duplicate',
      cartId: 'c_1',
    });
    expect(await raw(tables.state, 'EVENT#evt_7', 'EVENT')).toMatchObject({ cartId: 'c_1' });
    // A plain re-delivery after that: the marker answers, and nothing is written.
    usage.reset();
    expect(await store.recordEvent('evt_7', null, 'c_1')).toEqual({
      kind: 'duplicate',
      cartId: 'c_1',
    });
    expect(usage.snapshot().dynamodb['event.record']).toBeUndefined();
    // An older event the row does not hold is remembered as new.
    expect(await store.recordEvent('evt_6', null, 'c_1')).toEqual({ kind: 'saved', cart: null });
  });

  it('refuses a change with more audit rows than one transaction holds, writing nothing', async () => {
    const { store } = await setup();
    const audit = Array.from({ length: 100 }, () => makeAudit());
    await expect(store.save({ cart: makeCart(), expectedVersion: null, audit })).rejects.toThrow(
      CartStoreError,
    );
    expect(await store.get('c_1')).toBeNull();
  });
});
