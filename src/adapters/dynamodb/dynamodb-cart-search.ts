/**
 * The owner pages' reads on DynamoDB (issue 16), over the indexes the store already keeps:
 *   - A day page reads the day's byDay entries (cart id and lastActivityAt only, four shards),
 *     sorts them and reads whole rows for that one page. With a status filter, or for the day's
 *     counts, the day's rows themselves are read: byDay does not project the status, and one more
 *     projected attribute would be written to the index on every cart change to save a read on a
 *     page an owner opens now and then.
 *   - An address is found through the indexes that name it: byEmail on the state table (its open
 *     carts), its purchase items (bought carts) and byEmail on the audit table (every cart that
 *     had a send or a stop for it). Then the rows, read strongly, and kept only if they still
 *     carry the address. A cart id or alias is a direct read.
 *   - Item names are not searched: they live only inside each row's compressed data, so any
 *     search would be a Scan read and billed across the whole table.
 * All of it is bounded by one address's carts or one day's, then paged in memory (pageOf).
 */
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { type Cart, CartStatus } from '../../domain/cart.ts';
import { newestFirst, type Paged, type PageKey, pageOf } from '../../domain/cart-page.ts';
import { normaliseEmail } from '../../domain/email.ts';
import type { CartSearchPage, CartStore, DayCounts } from '../../ports/cart-store.ts';
import { SearchBy } from '../../ports/cart-store.ts';
import { aliasKey, cartKey, dayEntries, toCart } from './dynamodb-cart-rows.ts';
import { daysIn, Index, type Item } from './dynamodb-tables.ts';

export interface DynamoDbCartSearchDeps {
  readonly stateTable: string;
  readonly auditTable: string;
  /** The store's metered, fault-translating Query (every page of it). */
  readonly query: (op: string, input: QueryCommandInput) => AsyncIterable<Item>;
  /** The store's metered BatchGetItem: whole items by key. */
  readonly fetch: (
    op: string,
    table: string,
    keys: readonly Item[],
    consistent: boolean,
  ) => Promise<Item[]>;
}

export const ITEM_SEARCH_UNSUPPORTED =
  'item names are not searched on DynamoDB: they sit inside each compressed row, so a search would read the whole table';

type Reads = Pick<CartStore, 'dayPage' | 'dayCounts' | 'searchCarts'>;

const idOf = (pk: unknown) => String(pk).replace(/^CART#/, '');
const keyOfCart = (cart: Cart): PageKey & { cart: Cart } => ({
  at: cart.lastActivityAt,
  id: cart.id,
  cart,
});

export function createDynamoDbCartSearch(deps: DynamoDbCartSearchDeps): Reads {
  const { stateTable, auditTable, query, fetch } = deps;

  /** The day's index entries in [from, to), newest first. */
  async function dayKeys(from: number, to: number): Promise<PageKey[]> {
    const keys: PageKey[] = [];
    for (const day of to <= from ? [] : daysIn(from, to)) {
      keys.push(...(await dayEntries(query, 'cart.dayPage', stateTable, day, { from, to })));
    }
    return keys.sort(newestFirst);
  }

  const rowsOf = async (op: string, ids: readonly string[], consistent: boolean) =>
    (await fetch(op, stateTable, ids.map(cartKey), consistent)).map(toCart);

  /** Whole rows of the day, newest first by their index keys (the index is what was paged). */
  async function dayCarts(from: number, to: number): Promise<Cart[]> {
    const keys = await dayKeys(from, to);
    const rows = new Map(
      (
        await rowsOf(
          'cart.dayRows',
          keys.map((k) => k.id),
          false,
        )
      ).map((c) => [c.id, c]),
    );
    return keys.flatMap((key) => rows.get(key.id) ?? []);
  }

  async function idsForAddress(email: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const sources: QueryCommandInput[] = [
      {
        TableName: stateTable,
        IndexName: Index.byEmail,
        KeyConditionExpression: 'gsi1pk = :email',
        ExpressionAttributeValues: { ':email': `EMAIL#${email}` },
      },
      {
        TableName: stateTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `PURCHASE#${email}` },
        ProjectionExpression: 'sk',
      },
      {
        TableName: auditTable,
        IndexName: Index.byEmail,
        KeyConditionExpression: 'gsi1pk = :email',
        ExpressionAttributeValues: { ':email': `EMAIL#${email}` },
      },
    ];
    for (const input of sources) {
      for await (const item of query('cart.searchEmail', input)) {
        const key = String(
          input.TableName === stateTable && input.IndexName === undefined ? item.sk : item.pk,
        );
        if (key.startsWith('CART#')) ids.add(idOf(key));
      }
    }
    return ids;
  }

  async function byId(text: string): Promise<string[]> {
    const items = await fetch('cart.searchId', stateTable, [cartKey(text), aliasKey(text)], true);
    return items.map((item) => (String(item.pk).startsWith('ALIAS#') ? String(item.cartId) : text));
  }

  return {
    async dayPage(from, to, status, request): Promise<Paged<Cart>> {
      if (status !== null) {
        const carts = (await dayCarts(from, to)).filter((cart) => cart.status === status);
        const page = pageOf(carts.map(keyOfCart), request);
        return { ...page, rows: page.rows.map((row) => row.cart) };
      }
      const page = pageOf(await dayKeys(from, to), request);
      const rows = new Map(
        (
          await rowsOf(
            'cart.dayPage',
            page.rows.map((k) => k.id),
            false,
          )
        ).map((c) => [c.id, c]),
      );
      return { ...page, rows: page.rows.flatMap((key) => rows.get(key.id) ?? []) };
    },

    async dayCounts(from, to): Promise<DayCounts> {
      const carts = await dayCarts(from, to);
      const of = (status: CartStatus) => carts.filter((c) => c.status === status).length;
      return {
        all: carts.length,
        open: of(CartStatus.open),
        bought: of(CartStatus.bought),
        closed: of(CartStatus.closed),
        recovered: carts.filter((c) => c.recoveredAt !== null).length,
      };
    },

    async searchCarts(text, request): Promise<CartSearchPage> {
      const trimmed = text.trim();
      const address = normaliseEmail(trimmed);
      const direct = new Set(trimmed === '' ? [] : await byId(trimmed));
      const email = address.ok ? address.email : null;
      const viaAddress = email === null ? new Set<string>() : await idsForAddress(email);
      const ids = [...new Set([...direct, ...viaAddress])];
      const carts = (await rowsOf('cart.search', ids, true)).filter(
        (cart) => direct.has(cart.id) || (email !== null && carries(cart, email)),
      );
      const page = pageOf(carts.map(keyOfCart).sort(newestFirst), request);
      return {
        ...page,
        rows: page.rows.map((row) => row.cart),
        notSearched: [{ by: SearchBy.itemName, reason: ITEM_SEARCH_UNSUPPORTED }],
      };
    },
  };
}

/** Found through an old audit row, a cart may have moved to another address since. */
const carries = (cart: Cart, email: string) => cart.email === email;
