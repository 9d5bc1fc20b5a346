/** The DynamoDB cart store's reads: rows by key, the activity and month indexes, the audit trail. */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { CartStatus } from '../../domain/cart.ts';
import type { CartStore } from '../../ports/cart-store.ts';
import { type CartContext, CartStoreError } from './dynamodb-cart-context.ts';
import { aliasKey, CART_SK, cartKey, dayEntries, toCart } from './dynamodb-cart-rows.ts';
import {
  daysIn,
  fromAuditItem,
  Index,
  type Item,
  monthKey,
  monthsIn,
  padTime,
  shardedKey,
  shards,
  type toDocumentClient,
} from './dynamodb-tables.ts';

export function createDynamoDbCartReads(ctx: CartContext): Omit<
  CartStore,
  // The owner pages' reads are dynamodb-cart-search.ts's.
  'save' | 'recordEvent' | 'appendAudit' | 'dayPage' | 'dayCounts' | 'searchCarts'
> {
  const {
    doc,
    stateTable,
    auditTable,
    fail,
    count,
    query,
    all,
    fetch,
    auditQuery,
    keyOf,
    getItem,
  } = ctx;
  return {
    async get(cartId) {
      // Strongly consistent: the waiter must see the latest row, never a replica's older copy.
      const item = await getItem('cart.get', cartKey(cartId));
      return item === null ? null : toCart(item);
    },

    async *listByActivity(from, to) {
      if (to <= from) return;
      // One query per UTC day and shard, never a Scan: cost follows the window, not the table.
      for (const day of daysIn(from, to)) {
        const hits = await dayEntries(query, 'cart.listByActivity', stateTable, day, { from, to });
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
