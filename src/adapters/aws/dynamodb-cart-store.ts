/**
 * The cart list and its audit trail on DynamoDB. Every write that changes a cart is one
 * TransactWriteItems: the conditional Put of the cart row, the Put of each audit row and, for a
 * store event, the conditional Put of the seen-event item. All or nothing, like the SQLite store.
 *
 * The race each condition guards:
 *   t0 writer A reads cart v3          t0 writer B reads cart v3
 *   t1 A writes v4 if version = 3: ok  t2 B writes v4 if version = 3: fails -> conflict, B reloads
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit.ts';
import { type Cart, CartStatus, purchaseEmails } from '../../domain/cart.ts';
import type { CartStore, RecordEventResult, SaveCart, SaveResult } from '../../ports/cart-store.ts';
import { type Clock, systemClock } from '../../ports/clock.ts';
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
  packJson,
  padTime,
  queryAll,
  TTL_ATTRIBUTE,
  tallyWrites,
  toDocumentClient,
  unpackJson,
} from './dynamodb-tables.ts';
import type { CapacityKind, UsageCounter } from './usage-counter.ts';

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
const CART_SK = 'CART';

const cartKey = (id: string) => ({ pk: `CART#${id}`, sk: CART_SK });
const ALIAS_SK = 'ALIAS';
/** An alias item names the row another id of the cart (checkout token, order id...) belongs to. */
const aliasKey = (alias: string) => ({ pk: `ALIAS#${alias}`, sk: ALIAS_SK });
/** A purchase on record under one address: the purchase guard reads these, strongly consistent. */
const purchaseKey = (email: string, cartId: string) => ({
  pk: `PURCHASE#${email}`,
  sk: `CART#${cartId}`,
});

/** The purchase items of a bought row, one per address it was known by; none for other rows. */
function purchaseItems(cart: Cart, retentionMs: number | null): Item[] {
  if (cart.status !== CartStatus.bought || cart.boughtAt === null) return [];
  const boughtAt = cart.boughtAt;
  const expires =
    retentionMs === null ? {} : { [TTL_ATTRIBUTE]: Math.floor((boughtAt + retentionMs) / 1000) };
  return purchaseEmails(cart).map((email) => ({
    ...purchaseKey(email, cart.id),
    boughtAt,
    ...expires,
  }));
}

function cartItem(cart: Cart): Item {
  const at = padTime(cart.lastActivityAt);
  const item: Item = {
    ...cartKey(cart.id),
    version: cart.version,
    status: cart.status,
    lastActivityAt: cart.lastActivityAt,
    data: packJson(cart),
    gsi2pk: dayKey(cart.lastActivityAt),
    gsi2sk: `${at}#${cart.id}`,
  };
  if (cart.wakeAt !== null) item.wakeAt = cart.wakeAt;
  // Sparse index: only open carts with an address are in byEmail, so openCartsFor reads no others.
  if (cart.status === CartStatus.open && cart.email !== null) {
    item.gsi1pk = `EMAIL#${cart.email}`;
    item.gsi1sk = `${at}#${cart.id}`;
  }
  return item;
}

function toCart(item: Item): Cart {
  const cart = unpackJson(item.data) as Cart;
  // Rows written before aliases existed have none.
  return {
    ...cart,
    aliases: cart.aliases ?? [],
    knownEmails: cart.knownEmails ?? (cart.email === null ? [] : [cart.email]),
    version: Number(item.version),
  };
}

/** BatchGetItem takes at most 100 keys a call. */
const MAX_BATCH_KEYS = 100;

const withStoredAfter = (entries: readonly AuditEntry[], stored: Cart) =>
  entries.map((entry) => (entry.after === null ? entry : { ...entry, after: stored }));

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

  /** The transaction items of one cart change: conditional cart Put, then its audit rows. */
  function changeItems({ cart, expectedVersion, audit, newAliases = [] }: SaveCart, extra: number) {
    const stored: Cart = { ...cart, version: (expectedVersion ?? 0) + 1 };
    const purchases = purchaseItems(stored, options.purchaseRetentionMs ?? null);
    const tallies = tallyWrites(audit, auditTable);
    const needed =
      audit.length + tallies.length + 2 * newAliases.length + purchases.length + 2 + extra;
    if (needed > MAX_TRANSACT_ITEMS) {
      throw new CartStoreError(
        `one change of cart ${cart.id} needs ${needed} transaction items (audit rows, aliases, purchases): at most ${MAX_TRANSACT_ITEMS}`,
      );
    }
    const condition =
      expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      { Put: { TableName: stateTable, Item: cartItem(stored), ...condition } },
      ...withStoredAfter(audit, stored).map((entry) => ({
        Put: { TableName: auditTable, Item: auditItem(entry, retention) },
      })),
      // Sender health counts sends as they are recorded (domain/health-tally.ts).
      ...tallies,
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
    return { stored, items };
  }

  async function transact(
    op: string,
    TransactItems: NonNullable<TransactWriteCommandInput['TransactItems']>,
  ) {
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

  const auditQuery = (op: string, input: Omit<QueryCommandInput, 'TableName'>) =>
    query(op, { TableName: auditTable, ...input });

  /** Which row a seen event id was recorded for: a rare read, only on a repeated delivery. */
  async function duplicateOf(eventId: string): Promise<RecordEventResult> {
    try {
      const out = await doc.send(
        new GetCommand({
          TableName: stateTable,
          Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
          ConsistentRead: true,
          ProjectionExpression: 'cartId',
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count('event.duplicateOf', 'read', out.ConsumedCapacity);
      const cartId = out.Item?.cartId;
      return { kind: 'duplicate', cartId: typeof cartId === 'string' ? cartId : '' };
    } catch (error) {
      fail('GetItem (seen event)', stateTable, error);
    }
  }

  return {
    async get(cartId) {
      try {
        // Strongly consistent: the waiter must see the latest row, never a replica's older copy.
        const out = await doc.send(
          new GetCommand({
            TableName: stateTable,
            Key: cartKey(cartId),
            ConsistentRead: true,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        count('cart.get', 'read', out.ConsumedCapacity);
        return out.Item === undefined ? null : toCart(out.Item);
      } catch (error) {
        fail('GetItem', stateTable, error);
      }
    },

    async save(input): Promise<SaveResult> {
      const { stored, items } = changeItems(input, 0);
      const [only] = items;
      // A change of the row alone (a waiter's claim, a moved wake-up) needs no transaction: the
      // same conditional Put, at half the write units.
      if (items.length === 1 && only?.Put !== undefined) {
        try {
          const out = await doc.send(
            new PutCommand({ ...only.Put, ReturnConsumedCapacity: 'TOTAL' }),
          );
          count('cart.save', 'write', out.ConsumedCapacity);
          return { kind: 'saved', cart: stored };
        } catch (error) {
          count('cart.save', 'write', undefined);
          if (errorName(error) === 'ConditionalCheckFailedException') return { kind: 'conflict' };
          fail('PutItem (save)', stateTable, error);
        }
      }
      try {
        await transact('cart.save', items);
        return { kind: 'saved', cart: stored };
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.some(lostRace)) return { kind: 'conflict' };
        fail('TransactWriteItems (save)', `${stateTable}+${auditTable}`, error);
      }
    },

    async recordEvent(eventId, change, cartId): Promise<RecordEventResult> {
      const now = clock.now();
      const eventItem: Item = {
        pk: `EVENT#${eventId}`,
        sk: 'EVENT',
        cartId: cartId ?? change?.cart.id ?? null,
        receivedAt: now,
        [TTL_ATTRIBUTE]: Math.floor(now / 1000) + EVENT_TTL_SECONDS,
      };
      const putEvent = {
        TableName: stateTable,
        Item: eventItem,
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      if (change === null) {
        try {
          const out = await doc.send(
            new PutCommand({ ...putEvent, ReturnConsumedCapacity: 'TOTAL' }),
          );
          count('event.record', 'write', out.ConsumedCapacity);
          return { kind: 'saved', cart: null };
        } catch (error) {
          count('event.record', 'write', undefined);
          if (errorName(error) === 'ConditionalCheckFailedException') return duplicateOf(eventId);
          fail('PutItem (seen event)', stateTable, error);
        }
      }
      const { stored, items } = changeItems(change, 1);
      try {
        await transact('event.record', [{ Put: putEvent }, ...items]);
        return { kind: 'saved', cart: stored };
      } catch (error) {
        const codes = cancellationCodes(error);
        // The event check wins: a seen id means nothing is written, whatever the cart's version.
        if (codes !== null && codes[0] === 'ConditionalCheckFailed') return duplicateOf(eventId);
        // A concurrent delivery of the same id, or a lost race on the cart or an alias: the
        // retry will tell.
        if (codes?.some(lostRace)) return { kind: 'conflict' };
        fail('TransactWriteItems (recordEvent)', `${stateTable}+${auditTable}`, error);
      }
    },

    async *listByActivity(from, to) {
      if (to <= from) return;
      // One query per UTC day in range, never a Scan: cost follows the window, not the table.
      for (const day of daysIn(from, to)) {
        const items = query('cart.listByActivity', {
          TableName: stateTable,
          IndexName: Index.byDay,
          KeyConditionExpression: 'gsi2pk = :day AND gsi2sk BETWEEN :lo AND :hi',
          // `padTime(to)` sorts before every "<padTime(to)>#id", so `to` itself is excluded.
          ExpressionAttributeValues: {
            ':day': dayKey(day),
            ':lo': padTime(from),
            ':hi': padTime(to),
          },
        });
        for await (const item of items) yield toCart(item);
      }
    },

    async ownersOf(ids) {
      const owners = new Map<string, string>();
      const unique = [...new Set(ids)];
      // Both readings of each id at once: it may be a row's own id, or another row's alias.
      const keys = unique.flatMap((id) => [cartKey(id), aliasKey(id)]);
      for (let i = 0; i < keys.length; i += MAX_BATCH_KEYS) {
        let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = {
          [stateTable]: { Keys: keys.slice(i, i + MAX_BATCH_KEYS), ConsistentRead: true },
        };
        // Unprocessed keys (throttling) are asked again until none is left.
        for (let round = 0; Object.keys(request).length > 0; round++) {
          if (round > 0)
            await new Promise((wake) => setTimeout(wake, Math.min(1000, 25 * 2 ** round)));
          try {
            const out = await doc.send(
              new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }),
            );
            count('cart.ownersOf', 'read', out.ConsumedCapacity);
            for (const item of out.Responses?.[stateTable] ?? []) {
              const pk = String(item.pk);
              if (pk.startsWith('CART#')) owners.set(pk.slice(5), pk.slice(5));
              else if (pk.startsWith('ALIAS#') && !owners.has(pk.slice(6)))
                owners.set(pk.slice(6), String(item.cartId));
            }
            request = (out.UnprocessedKeys ?? {}) as typeof request;
          } catch (error) {
            fail('BatchGetItem (ownersOf)', stateTable, error);
          }
        }
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

    openCarts: dynamoDbOpenCarts(doc, stateTable, fail, (consumed) =>
      count('cart.openCarts', 'read', consumed),
    ),

    async openCartsFor(email) {
      const items = query('cart.openCartsFor', {
        TableName: stateTable,
        IndexName: Index.byEmail,
        KeyConditionExpression: 'gsi1pk = :email',
        ExpressionAttributeValues: { ':email': `EMAIL#${email}` },
        ScanIndexForward: false,
      });
      // The index is eventually consistent: a cart bought a moment ago may linger in it briefly.
      return (await all(items, toCart)).filter((cart) => cart.status === CartStatus.open);
    },

    async sendsTo(email, since) {
      const items = auditQuery('audit.sendsTo', {
        IndexName: Index.byEmail,
        KeyConditionExpression: 'gsi1pk = :email AND gsi1sk >= :since',
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
      return all(
        auditQuery('audit.auditForEmail', {
          IndexName: Index.byEmail,
          KeyConditionExpression: 'gsi1pk = :email',
          ExpressionAttributeValues: { ':email': `EMAIL#${email}` },
        }),
        fromAuditItem,
      );
    },

    async *auditBetween(from, to) {
      if (to <= from) return;
      for (const month of monthsIn(from, to)) {
        const items = auditQuery('audit.auditBetween', {
          IndexName: Index.byMonth,
          KeyConditionExpression: 'gsi2pk = :month AND gsi2sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':month': monthKey(month),
            ':lo': padTime(from),
            ':hi': padTime(to),
          },
        });
        for await (const item of items) yield fromAuditItem(item);
      }
    },

    async auditTimes(action, from, to, cartIdPrefix) {
      const times: number[] = [];
      if (to <= from) return times;
      // A cart's audit rows are keyed CART#<id>, so one lane's rows are a key prefix.
      const lane = cartIdPrefix === undefined ? {} : { ':cartPk': `CART#${cartIdPrefix}` };
      for (const month of monthsIn(from, to)) {
        const items = auditQuery('audit.auditTimes', {
          IndexName: Index.byMonth,
          KeyConditionExpression: 'gsi2pk = :month AND gsi2sk BETWEEN :lo AND :hi',
          // Only the time comes back; the snapshots stay in the table.
          FilterExpression: `#action = :action AND #at < :to${
            cartIdPrefix === undefined ? '' : ' AND begins_with(pk, :cartPk)'
          }`,
          ProjectionExpression: '#at',
          ExpressionAttributeNames: { '#action': 'action', '#at': 'at' },
          ExpressionAttributeValues: {
            ':month': monthKey(month),
            ':lo': padTime(from),
            ':hi': padTime(to),
            ':action': action,
            ':to': to,
            ...lane,
          },
        });
        for await (const item of items) times.push(Number(item.at));
      }
      return times.sort((a, b) => a - b);
    },

    async appendAudit(entries) {
      // Atomic per chunk (TransactWriteItems takes 100 items: the rows and their days' tallies);
      // callers append a handful at a time.
      const CHUNK = MAX_TRANSACT_ITEMS / 2;
      for (let i = 0; i < entries.length; i += CHUNK) {
        const chunk = entries.slice(i, i + CHUNK);
        try {
          await transact('audit.append', [
            ...chunk.map((entry) => ({
              Put: { TableName: auditTable, Item: auditItem(entry, retention) },
            })),
            ...tallyWrites(chunk, auditTable),
          ]);
        } catch (error) {
          fail('TransactWriteItems (appendAudit)', auditTable, error);
        }
      }
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
function dynamoDbOpenCarts(
  doc: ReturnType<typeof toDocumentClient>,
  stateTable: string,
  fail: (operation: string, table: string, error: unknown) => never,
  counted: (consumed: ConsumedCapacity | undefined) => void,
): CartStore['openCarts'] {
  const decode = (cursor: string): Item => {
    try {
      return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Item;
    } catch (error) {
      throw new CartStoreError(`open carts: "${cursor.slice(0, 40)}" is not a page cursor`, {
        cause: error,
      });
    }
  };
  return async (after, limit) => {
    try {
      const out = await doc.send(
        new ScanCommand({
          TableName: stateTable,
          FilterExpression: 'sk = :cart AND #status = :open',
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
      fail('Scan (openCarts)', stateTable, error);
    }
  };
}
