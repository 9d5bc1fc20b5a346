/**
 * The owner pages' reads on SQLite (issue 16): a day's carts a page at a time, its counts, and
 * search by address, cart id or item name. Every page is a keyset range over an index, newest
 * first, so page 200 of a busy day costs what page 1 does.
 */
import type { Cart } from '../../domain/cart.ts';
import { type Paged, type PageKey, type PageRequest, pageLimit } from '../../domain/cart-page.ts';
import { normaliseEmail } from '../../domain/email.ts';
import type { CartSearchPage, CartStore, DayCounts } from '../../ports/cart-store.ts';
import { SearchBy } from '../../ports/cart-store.ts';
import type { SqliteDatabase } from './sqlite.ts';

interface CartRow {
  id: string;
  wake_at: number | null;
  version: number;
  data: string;
}

/** The item names a search matches: lower-cased (any script), one per line. */
export function itemNames(cart: Pick<Cart, 'items'>): string {
  return cart.items.map((item) => item.name.toLowerCase()).join('\n');
}

/** Keeps cart_names current; writes only when the names or the activity moved. */
export function createSqliteItemNames(db: SqliteDatabase): (cart: Cart) => void {
  const upsert = db.prepare<[string, string, number]>(
    `INSERT INTO cart_names (cart_id, names, at) VALUES (?, ?, ?)
     ON CONFLICT (cart_id) DO UPDATE SET names = excluded.names, at = excluded.at
       WHERE names IS NOT excluded.names OR at IS NOT excluded.at`,
  );
  return (cart) => void upsert.run(cart.id, itemNames(cart), cart.lastActivityAt);
}

/**
 * Rebuilds the item-name index from the rows' JSON: for a file filled by hand (a bench's bulk
 * seed) rather than through the store. The migration runs the same statement once.
 */
export function reindexItemNames(db: SqliteDatabase): number {
  db.exec('DELETE FROM cart_names');
  return db
    .prepare(
      `INSERT INTO cart_names (cart_id, names, at)
       SELECT id, lower(coalesce((SELECT group_concat(json_extract(value, '$.name'), char(10))
                                  FROM json_each(carts.data, '$.items')), '')), last_activity_at
       FROM carts`,
    )
    .run().changes;
}

/** Fewer letters would match most carts of a store: nothing an owner is looking for. */
const MIN_ITEM_TEXT = 3;

/**
 * A relation of (at, id) keys and the terms that pick its rows. Only keys are ordered and cut:
 * the page's ≤100 rows are read by id afterwards, so a sort over thousands of hits never
 * carries their JSON.
 */
interface Keys {
  readonly from: string;
  readonly at: string;
  readonly id: string;
  /** Terms ending in AND (or ''). */
  readonly where: string;
}

function keysetSql({ from, at, id, where }: Keys) {
  const pick = `SELECT ${id} AS id FROM ${from} WHERE ${where}`;
  return {
    older: `${pick} (${at}, ${id}) < (@at, @id) ORDER BY ${at} DESC, ${id} DESC LIMIT @n`,
    newer: `${pick} (${at}, ${id}) > (@at, @id) ORDER BY ${at}, ${id} LIMIT @n`,
    anyAtOrNewer: `${pick} (${at}, ${id}) >= (@at, @id) LIMIT 1`,
    anyAtOrOlder: `${pick} (${at}, ${id}) <= (@at, @id) LIMIT 1`,
  };
}

type Params = Record<string, string | number | null>;

/** One keyset page over a relation, run with its own parameters plus the key and limit. */
function pager(db: SqliteDatabase, keys: Keys) {
  const sql = keysetSql(keys);
  const ids = (text: string) => db.prepare<[Params], { id: string }>(text);
  const olderIds = ids(sql.older);
  const newerIds = ids(sql.newer);
  const atOrNewer = ids(sql.anyAtOrNewer);
  const atOrOlder = ids(sql.anyAtOrOlder);
  const row = db.prepare<[string], CartRow>(
    'SELECT id, wake_at, version, data FROM carts WHERE id = ?',
  );
  const rowsOf = (ids: readonly { id: string }[]) => ids.flatMap((key) => row.get(key.id) ?? []);
  return (params: Params, request: PageRequest, top: PageKey): Paged<CartRow> => {
    const n = pageLimit(request.limit);
    const { from } = request;
    if (from.kind === 'before') {
      const key = { ...params, at: from.key.at, id: from.key.id };
      const ids = newerIds.all({ ...key, n: n + 1 });
      return {
        rows: rowsOf(ids.slice(0, n).reverse()),
        hasPrevious: ids.length > n,
        hasNext: atOrOlder.get(key) !== undefined,
      };
    }
    const key = from.kind === 'after' ? from.key : top;
    const at = { ...params, at: key.at, id: key.id };
    const ids = olderIds.all({ ...at, n: n + 1 });
    return {
      rows: rowsOf(ids.slice(0, n)),
      hasNext: ids.length > n,
      hasPrevious: from.kind === 'after' && atOrNewer.get(at) !== undefined,
    };
  };
}
const mapRows = <T>(page: Paged<CartRow>, map: (row: CartRow) => T): Paged<T> => ({
  ...page,
  rows: page.rows.map(map),
});

type Reads = Pick<CartStore, 'dayPage' | 'dayCounts' | 'searchCarts'>;

export function createSqliteCartSearch(db: SqliteDatabase, toCart: (row: CartRow) => Cart): Reads {
  const inDay = 'c.last_activity_at >= @from AND c.last_activity_at < @to AND';
  const day = { from: 'carts c', at: 'c.last_activity_at', id: 'c.id' };
  const dayAll = pager(db, { ...day, where: inDay });
  const dayOf = pager(db, { ...day, where: `${inDay} c.status = @status AND` });
  const counts = db.prepare<[number, number], DayCounts>(
    `SELECT COUNT(*) AS "all",
       COALESCE(SUM(status = 'open'), 0) AS open,
       COALESCE(SUM(status = 'bought'), 0) AS bought,
       COALESCE(SUM(status = 'closed'), 0) AS closed,
       -- Only a bought cart can be recovered: the JSON of the others is never parsed.
       COALESCE(SUM(CASE WHEN status = 'bought'
                    THEN json_extract(data, '$.recoveredAt') IS NOT NULL ELSE 0 END), 0) AS recovered
     FROM carts WHERE last_activity_at >= ? AND last_activity_at < ?`,
  );
  // Each way finds its keys through its own index (address, id, alias, item names); UNION
  // merges them, and only then are they ordered: a rare address never walks the activity index.
  const hits = (withNames: boolean) => ({
    from: `(SELECT last_activity_at AS at, id FROM carts WHERE email = @email
      UNION SELECT last_activity_at, id FROM carts WHERE id = @text
      UNION SELECT x.last_activity_at, x.id FROM cart_aliases a JOIN carts x ON x.id = a.cart_id
        WHERE a.alias = @text
      ${
        withNames ? 'UNION SELECT at, cart_id FROM cart_names WHERE instr(names, @needle) > 0' : ''
      }) h`,
    at: 'h.at',
    id: 'h.id',
    where: '',
  });
  const searchNames = pager(db, hits(true));
  const searchPlain = pager(db, hits(false));
  const top = (to: number): PageKey => ({ at: to, id: '' });
  const far = { at: Number.MAX_SAFE_INTEGER, id: '' };

  return {
    async dayPage(from, to, status, request) {
      const page =
        status === null
          ? dayAll({ from, to }, request, top(to))
          : dayOf({ from, to, status }, request, top(to));
      return mapRows(page, toCart);
    },

    async dayCounts(from, to) {
      return counts.get(from, to) ?? { all: 0, open: 0, bought: 0, closed: 0, recovered: 0 };
    },

    async searchCarts(text, request): Promise<CartSearchPage> {
      const trimmed = text.trim();
      const address = normaliseEmail(trimmed);
      const params = { email: address.ok ? address.email : null, text: trimmed };
      // An address is looked up as one (an index probe), not also read for in every item name.
      const withNames = trimmed.length >= MIN_ITEM_TEXT && !address.ok;
      const page = withNames
        ? searchNames({ ...params, needle: trimmed.toLowerCase() }, request, far)
        : searchPlain(params, request, far);
      return {
        ...mapRows(page, toCart),
        notSearched:
          withNames || address.ok
            ? []
            : [
                {
                  by: SearchBy.itemName,
                  reason: `item names need at least ${MIN_ITEM_TEXT} letters`,
                },
              ],
      };
    },
  };
}
