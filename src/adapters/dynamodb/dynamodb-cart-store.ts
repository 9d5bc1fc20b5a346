/**
 * The cart list and its audit trail on DynamoDB, written as lean as the guarantees allow:
 *   - A change of the row alone (an update, a claim, a moved wake-up) is one conditional PutItem
 *     on the version read. A transaction only when other items must change with the row: a new
 *     row (no alias may hold its id), new aliases, the purchase items of a checkout.
 *   - Audit rows and their day tallies are written right after the row they describe, never before
 *     it (no audit row for a change that did not happen); inside the transaction when there is one.
 *   - A store event's id is remembered by a small marker item written after the row. Applying an
 *     event the row already holds changes nothing (domain/intake: not newer, stale), so a delivery
 *     that died between the row and its marker is recognised by the row's own lastEventId on retry.
 *
 * The race each condition guards:
 *   t0 writer A reads cart v3          t0 writer B reads cart v3
 *   t1 A writes v4 if version = 3: ok  t2 B writes v4 if version = 3: fails -> conflict, B reloads
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AuditAction, type AuditEntry } from '../../domain/audit.ts';
import { type Cart, CartStatus } from '../../domain/cart.ts';
import type { CartStore, RecordEventResult, SaveCart, SaveResult } from '../../ports/cart-store.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { CapacityKind, UsageCounter } from '../../ports/usage-counter.ts';
import {
  aliasKey,
  batchGetAll,
  CART_SK,
  cartItem,
  cartKey,
  eventKey,
  purchaseItems,
  toCart,
} from './dynamodb-cart-rows.ts';
import { createDynamoDbCartSearch } from './dynamodb-cart-search.ts';
import {
  type AnyDynamoDbClient,
  auditItem,
  cancellationCodes,
  dayKey,
  daysIn,
  errorName,
  fromAuditItem,
  Index,
  type Item,
  lostRace,
  MAX_TRANSACT_ITEMS,
  monthKey,
  monthsIn,
  padTime,
  queryAll,
  shardedKey,
  shards,
  TTL_ATTRIBUTE,
  tallyWrites,
  toDocumentClient,
} from './dynamodb-tables.ts';

export class CartStoreError extends Error {
  override name = 'CartStoreError';
}

export interface DynamoDbCartStoreOptions {
  readonly client: AnyDynamoDbClient;
  readonly stateTable: string;
  readonly auditTable: string;
  readonly usage?: UsageCounter;
  /** Stamps seen-event items (their 30-day TTL). Defaults to the system clock. */
  readonly clock?: Clock;
  /** Audit rows expire this long after their `at` (TTL); null keeps them forever. Default ~13 months. */
  readonly auditRetentionDays?: number | null;
  /**
   * CR_RETAIN_CARTS: purchase items expire (TTL) this long after the purchase, when the cart they
   * belong to is shrunk to a tombstone; null or absent keeps them.
   */
  readonly purchaseRetentionMs?: number | null;
}

/** Long enough to outlive Shopify's 4-hour retries and any replay a store might do by hand. */
const EVENT_TTL_SECONDS = 30 * 86_400;

const withStoredAfter = (entries: readonly AuditEntry[], stored: Cart) =>
  entries.map((entry) => (entry.after === null ? entry : { ...entry, after: stored }));

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * Audit actions written in one transaction with the row they describe: sends (the frequency cap
 * and sender health count them from these rows) and stops. A let-go (`expired`) may trail its
 * row: the row itself says closed and why, so a crash between them loses a line of history only.
 */
const KEPT_WITH_CHANGE: ReadonlySet<string> = new Set<string>([
  AuditAction.reminderSent,
  AuditAction.checkout,
  AuditAction.suppress,
  AuditAction.writeOff,
  AuditAction.unsubscribe,
]);

export function createDynamoDbCartStore(options: DynamoDbCartStoreOptions): CartStore {
  const doc = toDocumentClient(options.client);
  const { stateTable, auditTable, usage } = options;
  const clock = options.clock ?? systemClock;
  const retention = options.auditRetentionDays === undefined ? 400 : options.auditRetentionDays;

  function fail(operation: string, table: string, error: unknown): never {
    throw new CartStoreError(
      `DynamoDB ${operation} on table ${table} failed: ${errorName(error)}`,
      {
        cause: error,
      },
    );
  }

  function count(
    op: string,
    kind: CapacityKind,
    consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
  ) {
    usage?.recordDynamoDb(op, kind, consumed);
  }

  /**
   * The writes of one cart change: the conditional row Put, and the other items that must change
   * with it (alias guards, purchases). Empty `atomic` means the row alone: no transaction.
   */
  function changeItems({ cart, expectedVersion, audit, newAliases = [] }: SaveCart) {
    const stored: Cart = { ...cart, version: (expectedVersion ?? 0) + 1 };
    const purchases = purchaseItems(stored, options.purchaseRetentionMs ?? null);
    const condition =
      expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    const row = { TableName: stateTable, Item: cartItem(stored), ...condition };
    const atomic: TransactItems = [
      // A bought row is on record under each of its addresses, in the same transaction.
      ...purchases.map((Item) => ({ Put: { TableName: stateTable, Item } })),
      // A new row under an id that is already another row's alias would split one cart in two.
      ...(expectedVersion === null
        ? [
            {
              ConditionCheck: {
                TableName: stateTable,
                Key: aliasKey(cart.id),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
      // Taken meanwhile by another writer: the transaction fails as a conflict, the writer
      // reloads, and ownersOf then shows who holds the alias.
      ...newAliases.flatMap((alias) => [
        {
          Put: {
            TableName: stateTable,
            Item: { ...aliasKey(alias), cartId: cart.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        // Nor may an alias be another row's own id (one cart would then have two rows).
        {
          ConditionCheck: {
            TableName: stateTable,
            Key: cartKey(alias),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]),
    ];
    const entries = withStoredAfter(audit, stored);
    const auditWrites: TransactItems = entries.map((entry) => ({
      Put: { TableName: auditTable, Item: auditItem(entry, retention) },
    }));
    // Sender health counts sends as they are recorded (domain/health-tally.ts). Counters, written
    // after the change in every case: a crash between loses one count (the rate it feeds is a
    // 30-day ratio), and a counter outside the transaction costs half.
    const tallies = tallyWrites(entries, auditTable);
    const needed = 1 + atomic.length + auditWrites.length;
    // A send or a stop is on record with the change or not at all: the frequency cap and sender
    // health count sends from these rows, and "every stop and send is audited" must survive a
    // crash between two writes. Other rows (an update, a held step) may follow the row.
    const together =
      atomic.length > 0 || entries.some((entry) => KEPT_WITH_CHANGE.has(entry.action));
    if (together && needed > MAX_TRANSACT_ITEMS) {
      throw new CartStoreError(
        `one change of cart ${cart.id} needs ${needed} transaction items (audit rows, aliases, purchases): at most ${MAX_TRANSACT_ITEMS}`,
      );
    }
    return { stored, row, atomic, auditWrites, tallies, together };
  }

  async function transact(op: string, TransactItems: TransactItems) {
    try {
      const out = await doc.send(
        new TransactWriteCommand({ TransactItems, ReturnConsumedCapacity: 'TOTAL' }),
      );
      count(op, 'write', out.ConsumedCapacity);
    } catch (error) {
      // A cancelled transaction reports no capacity; the call still counts.
      count(op, 'write', undefined);
      throw error;
    }
  }

  /** Audit rows and tallies outside a transaction: each Put and Update on its own, all at once. */
  async function writeAudit(op: string, writes: TransactItems) {
    await Promise.all(
      writes.map(async (write) => {
        try {
          const out =
            write.Put !== undefined
              ? await doc.send(new PutCommand({ ...write.Put, ReturnConsumedCapacity: 'TOTAL' }))
              : await doc.send(
                  new UpdateCommand({
                    ...(write.Update as NonNullable<typeof write.Update>),
                    ReturnConsumedCapacity: 'TOTAL',
                  }),
                );
          count(op, 'write', out.ConsumedCapacity);
        } catch (error) {
          count(op, 'write', undefined);
          fail(`${write.Put !== undefined ? 'PutItem' : 'UpdateItem'} (${op})`, auditTable, error);
        }
      }),
    );
  }

  type Written = { readonly kind: 'saved'; readonly cart: Cart } | { readonly kind: 'conflict' };

  /** Writes one change: the row (alone or in its transaction), then whatever audit is left. */
  async function write(op: string, change: SaveCart): Promise<Written> {
    const { stored, row, atomic, auditWrites, tallies, together } = changeItems(change);
    if (together) {
      try {
        // A transaction: the audit rows ride in it and are atomic with the change.
        await transact(op, [{ Put: row }, ...atomic, ...auditWrites]);
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.some(lostRace)) return { kind: 'conflict' };
        fail(`TransactWriteItems (${op})`, `${stateTable}+${auditTable}`, error);
      }
      await writeAudit(`${op}.tally`, tallies);
      return { kind: 'saved', cart: stored };
    }
    try {
      const out = await doc.send(new PutCommand({ ...row, ReturnConsumedCapacity: 'TOTAL' }));
      count(op, 'write', out.ConsumedCapacity);
    } catch (error) {
      count(op, 'write', undefined);
      if (errorName(error) === 'ConditionalCheckFailedException') return { kind: 'conflict' };
      fail(`PutItem (${op})`, stateTable, error);
    }
    // After the row, never before: an audit row always describes a change that happened. A
    // crash between the two leaves an update or a held step without its row; never a send or stop.
    await writeAudit(`${op}.audit`, [...auditWrites, ...tallies]);
    return { kind: 'saved', cart: stored };
  }

  const query = (op: string, input: QueryCommandInput) =>
    queryAll(doc, input, {
      page: (consumed) => count(op, 'read', consumed),
      fail: (error) => fail(`Query (${op})`, String(input.TableName), error),
    });

  async function all<T>(items: AsyncIterable<Item>, map: (item: Item) => T): Promise<T[]> {
    const out: T[] = [];
    for await (const item of items) out.push(map(item));
    return out;
  }

  /** Whole items by key, in key order: what a slim index names, read from the table. */
  const fetch = (op: string, table: string, keys: readonly Item[], consistent: boolean) =>
    batchGetAll(doc, table, keys, consistent, {
      consumed: (consumed) => count(op, 'read', consumed as ConsumedCapacity[]),
      fail: (error) => fail(`BatchGetItem (${op})`, table, error),
    });

  const auditQuery = (op: string, input: Omit<QueryCommandInput, 'TableName'>) =>
    query(op, { TableName: auditTable, ...input });

  const keyOf = (item: Item) => ({ pk: item.pk, sk: item.sk });

  async function getItem(op: string, Key: Item, ProjectionExpression?: string) {
    try {
      const out = await doc.send(
        new GetCommand({
          TableName: stateTable,
          Key,
          ConsistentRead: true,
          ...(ProjectionExpression === undefined ? {} : { ProjectionExpression }),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count(op, 'read', out.ConsumedCapacity);
      return out.Item ?? null;
    } catch (error) {
      fail('GetItem', stateTable, error);
    }
  }

  /** Which row a seen event id was recorded for, or null when the id is new. */
  async function seenFor(eventId: string): Promise<string | null> {
    const marker = await getItem('event.seen', eventKey(eventId), 'cartId');
    if (marker === null) return null;
    return typeof marker.cartId === 'string' ? marker.cartId : '';
  }

  /** Remembers an event id (after its row, when it has one): a plain Put, the marker is small. */
  async function putMarker(eventId: string, cartId: string | null, onlyIfNew: boolean) {
    const now = clock.now();
    const Item: Item = {
      ...eventKey(eventId),
      cartId,
      receivedAt: now,
      [TTL_ATTRIBUTE]: Math.floor(now / 1000) + EVENT_TTL_SECONDS,
    };
    const condition = onlyIfNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {};
    try {
      const out = await doc.send(
        new PutCommand({
          TableName: stateTable,
          Item,
          ...condition,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count('event.record', 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      count('event.record', 'write', undefined);
      if (onlyIfNew && errorName(error) === 'ConditionalCheckFailedException') return false;
      fail('PutItem (seen event)', stateTable, error);
    }
  }

  /** An event that changes no row: remembered, unless its row already holds it (see the top). */
  async function recordNoChange(
    eventId: string,
    cartId: string | null,
  ): Promise<RecordEventResult> {
    // Most such events are plain re-deliveries: their marker answers, nothing is written.
    const seen = await seenFor(eventId);
    if (seen !== null) return { kind: 'duplicate', cartId: seen };
    if (cartId !== null) {
      const row = await getItem('event.rowHolds', cartKey(cartId));
      if (row !== null && toCart(row).lastEventId === eventId) {
        // The first delivery wrote the row and died before its marker: it is a duplicate.
        await putMarker(eventId, cartId, false);
        return { kind: 'duplicate', cartId };
      }
    }
    if (await putMarker(eventId, cartId, true)) return { kind: 'saved', cart: null };
    return { kind: 'duplicate', cartId: (await seenFor(eventId)) ?? '' };
  }

  return {
    ...createDynamoDbCartSearch({ stateTable, auditTable, query, fetch }),

    async get(cartId) {
      // Strongly consistent: the waiter must see the latest row, never a replica's older copy.
      const item = await getItem('cart.get', cartKey(cartId));
      return item === null ? null : toCart(item);
    },

    async save(input): Promise<SaveResult> {
      return write('cart.save', input);
    },

    async recordEvent(eventId, change, cartId): Promise<RecordEventResult> {
      const about = cartId ?? change?.cart.id ?? null;
      if (change === null) return recordNoChange(eventId, about);
      // A seen id means nothing is written, whatever the cart's version.
      const seen = await seenFor(eventId);
      if (seen !== null) return { kind: 'duplicate', cartId: seen };
      // A concurrent delivery of the same id, or a lost race on the cart or an alias: the
      // retry reloads, finds the event in the row (stale) or its marker, and says duplicate.
      const written = await write('event.record', change);
      if (written.kind === 'saved') await putMarker(eventId, about, false);
      return written;
    },

    async *listByActivity(from, to) {
      if (to <= from) return;
      // One query per UTC day and shard, never a Scan: cost follows the window, not the table.
      for (const day of daysIn(from, to)) {
        const hits: { id: string; at: number }[] = [];
        for (const shard of shards()) {
          const items = query('cart.listByActivity', {
            TableName: stateTable,
            IndexName: Index.byDay,
            KeyConditionExpression: 'gsi2pk = :day',
            FilterExpression: '#at >= :from AND #at < :to',
            ExpressionAttributeNames: { '#at': 'lastActivityAt' },
            ExpressionAttributeValues: {
              ':day': shardedKey(dayKey(day), shard),
              ':from': from,
              ':to': to,
            },
          });
          for await (const item of items)
            hits.push({ id: String(item.pk).slice(5), at: Number(item.lastActivityAt) });
        }
        hits.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        // The index is eventually consistent, like the whole rows it used to hold.
        const rows = await fetch(
          'cart.listByActivity',
          stateTable,
          hits.map((hit) => cartKey(hit.id)),
          false,
        );
        for (const row of rows) yield toCart(row);
      }
    },

    async ownersOf(ids) {
      const owners = new Map<string, string>();
      const unique = [...new Set(ids)];
      // Both readings of each id at once: it may be a row's own id, or another row's alias.
      const keys = unique.flatMap((id) => [cartKey(id), aliasKey(id)]);
      for (const item of await fetch('cart.ownersOf', stateTable, keys, true)) {
        const pk = String(item.pk);
        // Key order puts an id's own row before its alias item: the row wins.
        if (pk.startsWith('CART#')) owners.set(pk.slice(5), pk.slice(5));
        else if (pk.startsWith('ALIAS#') && !owners.has(pk.slice(6)))
          owners.set(pk.slice(6), String(item.cartId));
      }
      return owners;
    },
    async lastPurchaseBy(email) {
      const items = query('cart.lastPurchaseBy', {
        TableName: stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PURCHASE#${email}` },
        ProjectionExpression: 'boughtAt',
        // The base table, read strongly: a purchase a moment ago already stops the next send.
        ConsistentRead: true,
      });
      let last: number | null = null;
      for await (const item of items) last = Math.max(last ?? 0, Number(item.boughtAt));
      return last;
    },

    cartsToRearm: dynamoDbCartsToRearm(doc, stateTable, fail, (consumed) =>
      count('cart.cartsToRearm', 'read', consumed),
    ),

    async openCartsFor(email) {
      const keys = await all(
        query('cart.openCartsFor', {
          TableName: stateTable,
          IndexName: Index.byEmail,
          KeyConditionExpression: 'gsi1pk = :email',
          ExpressionAttributeValues: { ':email': `EMAIL#${email}` },
        }),
        keyOf,
      );
      // The rows themselves, strongly: a cart bought a moment ago may linger in the index.
      const carts = (await fetch('cart.openCartsFor', stateTable, keys, true)).map(toCart);
      return carts
        .filter((cart) => cart.status === CartStatus.open)
        .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? 1 : -1));
    },

    async sendsTo(email, since) {
      const items = auditQuery('audit.sendsTo', {
        IndexName: Index.byEmail,
        KeyConditionExpression: 'gsi1pk = :email AND sk >= :since',
        FilterExpression: '#a = :sent',
        ExpressionAttributeNames: { '#a': 'action', '#at': 'at' },
        ExpressionAttributeValues: {
          ':email': `EMAIL#${email}`,
          ':since': padTime(since),
          ':sent': 'reminder_sent',
        },
        ProjectionExpression: '#at',
      });
      return all(items, (item) => Number(item.at));
    },

    async auditFor(cartId) {
      return all(
        auditQuery('audit.auditFor', {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CART#${cartId}` },
          ConsistentRead: true,
        }),
        fromAuditItem,
      );
    },

    async auditForEmail(email) {
      const keys = await all(
        auditQuery('audit.auditForEmail', {
          IndexName: Index.byEmail,
          KeyConditionExpression: 'gsi1pk = :email',
          ExpressionAttributeValues: { ':email': `EMAIL#${email}` },
        }),
        keyOf,
      );
      return (await fetch('audit.auditForEmail', auditTable, keys, false)).map(fromAuditItem);
    },

    async *auditBetween(from, to) {
      if (to <= from) return;
      for (const month of monthsIn(from, to)) {
        const keys: Item[] = [];
        for (const shard of shards()) {
          const items = auditQuery('audit.auditBetween', {
            IndexName: Index.byMonth,
            KeyConditionExpression: 'gsi2pk = :month AND sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':month': shardedKey(monthKey(month), shard),
              ':lo': padTime(from),
              ':hi': padTime(to),
            },
          });
          for await (const item of items) keys.push(keyOf(item));
        }
        // The shards merged back into write order (the sort key starts with the time).
        keys.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : 1));
        for (const row of await fetch('audit.auditBetween', auditTable, keys, false)) {
          yield fromAuditItem(row);
        }
      }
    },

    async appendAudit(entries) {
      // Rows that change no cart: each Put on its own, with its days' tallies (callers append a
      // handful at a time).
      const rows = entries.map((entry) => ({
        Put: { TableName: auditTable, Item: auditItem(entry, retention) },
      }));
      await writeAudit('audit.append', [...rows, ...tallyWrites(entries, auditTable)]);
    },
  };
}

/**
 * Open carts, a Scan page at a time. A Scan, not a Query: no index holds every open cart (byEmail
 * holds only those with an address, and byDay is by activity), and one made for this would be
 * written on every cart change to serve an operation run after a restore. Its cost: a Scan is
 * billed on every item it reads, filtered or not, so one walk reads the whole state table, about
 * 0.5 read units per 4 KB of table (eventually consistent): $0.125 per million units, a few cents
 * for a large shop. `limit` bounds the items read per page, before the filter.
 */
function dynamoDbCartsToRearm(
  doc: ReturnType<typeof toDocumentClient>,
  stateTable: string,
  fail: (operation: string, table: string, error: unknown) => never,
  counted: (consumed: ConsumedCapacity | undefined) => void,
): CartStore['cartsToRearm'] {
  const decode = (cursor: string): Item => {
    try {
      return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item;
    } catch (error) {
      throw new CartStoreError(`carts to rearm: "${cursor.slice(0, 40)}" is not a page cursor`, {
        cause: error,
      });
    }
  };
  return async (after, limit) => {
    try {
      const out = await doc.send(
        new ScanCommand({
          TableName: stateTable,
          // An ended cart keeps wakeAt only while its retention wake-up is owed.
          FilterExpression: 'sk = :cart AND (#status = :open OR attribute_exists(wakeAt))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':cart': CART_SK, ':open': CartStatus.open },
          Limit: limit,
          ReturnConsumedCapacity: 'TOTAL',
          ...(after === null ? {} : { ExclusiveStartKey: decode(after) }),
        }),
      );
      counted(out.ConsumedCapacity);
      const next = out.LastEvaluatedKey;
      return {
        carts: (out.Items ?? []).map(toCart),
        next: next === undefined ? null : Buffer.from(JSON.stringify(next)).toString('base64url'),
      };
    } catch (error) {
      if (error instanceof CartStoreError) throw error;
      fail('Scan (cartsToRearm)', stateTable, error);
    }
  };
}
