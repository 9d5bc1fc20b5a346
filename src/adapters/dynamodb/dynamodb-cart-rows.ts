/**
 * The cart row as DynamoDB holds it, its identity items, and reading rows back by key: the
 * layout the cart store writes and the indexes of dynamodb-tables.ts rely on.
 *
 * Index keys are chosen not to move: byEmail is the address alone, byDay the activity day alone
 * (sharded); the row's own key names the cart in both. An update that keeps the address and the
 * day writes nothing to byEmail (KEYS_ONLY) and one small entry to byDay (its lastActivityAt).
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type Cart, CartStatus, purchaseEmails } from '../../domain/cart.ts';
import {
  dayKey,
  Index,
  type Item,
  packJson,
  shardedKey,
  shardOf,
  shards,
  TTL_ATTRIBUTE,
  unpackJson,
} from './dynamodb-tables.ts';

export const CART_SK = 'CART';
export const cartKey = (id: string) => ({ pk: `CART#${id}`, sk: CART_SK });
const ALIAS_SK = 'ALIAS';
/** An alias item names the row another id of the cart (checkout token, order id...) belongs to. */
export const aliasKey = (alias: string) => ({ pk: `ALIAS#${alias}`, sk: ALIAS_SK });
/** A purchase on record under one address: the purchase guard reads these, strongly consistent. */
export const purchaseKey = (email: string, cartId: string) => ({
  pk: `PURCHASE#${email}`,
  sk: `CART#${cartId}`,
});
/** A store event id seen: which row it was recorded for (the 409 on an id reused elsewhere). */
export const eventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });

/**
 * The purchase items of a bought row, one per address it was known by; none for other rows.
 * With CR_RETAIN_CARTS they expire (TTL) when the cart is shrunk to a tombstone.
 */
export function purchaseItems(cart: Cart, retentionMs: number | null): Item[] {
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

export function cartItem(cart: Cart): Item {
  const { pk, sk } = cartKey(cart.id);
  const item: Item = {
    pk,
    sk,
    version: cart.version,
    status: cart.status,
    lastActivityAt: cart.lastActivityAt,
    data: packJson(cart),
    gsi2pk: shardedKey(dayKey(cart.lastActivityAt), shardOf(pk)),
  };
  if (cart.wakeAt !== null) item.wakeAt = cart.wakeAt;
  // Sparse index: only open carts with an address are in byEmail, so openCartsFor reads no others.
  if (cart.status === CartStatus.open && cart.email !== null) {
    item.gsi1pk = `EMAIL#${cart.email}`;
  }
  return item;
}

export function toCart(item: Item): Cart {
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
export const MAX_BATCH_KEYS = 100;

export interface BatchGetHooks {
  readonly consumed: (consumed: unknown) => void;
  readonly fail: (error: unknown) => never;
}

const keyString = (item: Item) => `${String(item.pk)}\u0000${String(item.sk)}`;

/**
 * The items under `keys` (any number), in the order of `keys`; missing ones are left out.
 * Unprocessed keys (throttling) are asked again, with a short growing pause, until none is left.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Item[],
  consistent: boolean,
  hooks: BatchGetHooks,
): Promise<Item[]> {
  const found = new Map<string, Item>();
  for (let i = 0; i < keys.length; i += MAX_BATCH_KEYS) {
    let request: Record<string, { Keys: Item[]; ConsistentRead: boolean }> = {
      [table]: { Keys: keys.slice(i, i + MAX_BATCH_KEYS), ConsistentRead: consistent },
    };
    for (let round = 0; Object.keys(request).length > 0; round++) {
      if (round > 0) await new Promise((wake) => setTimeout(wake, Math.min(1000, 25 * 2 ** round)));
      try {
        const out = await doc.send(
          new BatchGetCommand({ RequestItems: request, ReturnConsumedCapacity: 'TOTAL' }),
        );
        hooks.consumed(out.ConsumedCapacity);
        for (const item of out.Responses?.[table] ?? []) found.set(keyString(item), item);
        request = (out.UnprocessedKeys ?? {}) as typeof request;
      } catch (error) {
        hooks.fail(error);
      }
    }
  }
  return keys.map((key) => found.get(keyString(key))).filter((item) => item !== undefined);
}

/** A metered, fault-translating Query of the store (every page of it). */
export type QueryAll = (op: string, input: QueryCommandInput) => AsyncIterable<Item>;

/**
 * One UTC day's byDay index entries with activity in [from, to), every shard, unsorted: the ids
 * and times both the export (listByActivity) and the owner's day page sort and cut before reading
 * whole rows. One query per shard, never a Scan.
 */
export async function dayEntries(
  query: QueryAll,
  op: string,
  stateTable: string,
  day: number,
  window: { readonly from: number; readonly to: number },
): Promise<{ id: string; at: number }[]> {
  const entries: { id: string; at: number }[] = [];
  for (const shard of shards()) {
    const items = query(op, {
      TableName: stateTable,
      IndexName: Index.byDay,
      KeyConditionExpression: 'gsi2pk = :day',
      FilterExpression: '#at >= :from AND #at < :to',
      ExpressionAttributeNames: { '#at': 'lastActivityAt' },
      ExpressionAttributeValues: {
        ':day': shardedKey(dayKey(day), shard),
        ':from': window.from,
        ':to': window.to,
      },
    });
    for await (const item of items)
      entries.push({ id: String(item.pk).replace(/^CART#/, ''), at: Number(item.lastActivityAt) });
  }
  return entries;
}
