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

/** The item names a search matches, one per line (the FTS index's one column). */
export function itemNames(cart: Pick<Cart, 'items'>): string {
  return cart.items.map((item) => item.name).join('\n');
}

/** Keeps cart_names (and through its triggers the FTS index) current; writes only on change. */
export function createSqliteItemNames(db: SqliteDatabase): (cart: Cart) => void {
  const upsert = db.prepare<[string, string]>(
    `INSERT INTO cart_names (cart_id, names) VALUES (?, ?)
     ON CONFLICT (cart_id) DO UPDATE SET names = excluded.names WHERE names IS NOT excluded.names`,
  );
  return (cart) => void upsert.run(cart.id, itemNames(cart));
}

/**
 * Rebuilds the item-name index from the rows' JSON: for a file filled by hand (a bench's bulk
 * seed) rather than through the store. The migration runs the same statement once.
 */
export function reindexItemNames(db: SqliteDatabase): number {
  db.exec('DELETE FROM cart_names');
  return db
    .prepare(
      `INSERT INTO cart_names (cart_id, names)
       SELECT id, coalesce((SELECT group_concat(json_extract(value, '$.name'), char(10))
                            FROM json_each(carts.data, '$.items')), '')
       FROM carts`,
    )
    .run().changes;
}

/** FTS5 trigram needs 3 characters; shorter text would match through no index. */
const MIN_ITEM_TEXT = 3;

const COLUMNS = 'c.id, c.wake_at, c.version, c.data';

/** Rows past the key in the page's direction, and the check for rows on the other side. */
function keysetSql(source: string, extra: string) {
  return {
    older: `SELECT ${COLUMNS} FROM ${source} WHERE ${extra} (c.last_activity_at, c.id) < (@at, @id)
      ORDER BY c.last_activity_at DESC, c.id DESC LIMIT @n`,
    newer: `SELECT ${COLUMNS} FROM ${source} WHERE ${extra} (c.last_activity_at, c.id) > (@at, @id)
      ORDER BY c.last_activity_at, c.id LIMIT @n`,
    anyAtOrNewer: `SELECT 1 AS hit FROM ${source} WHERE ${extra}
      (c.last_activity_at, c.id) >= (@at, @id) LIMIT 1`,
    anyAtOrOlder: `SELECT 1 AS hit FROM ${source} WHERE ${extra}
      (c.last_activity_at, c.id) <= (@at, @id) LIMIT 1`,
  };
}

type Params = Record<string, string | number | null>;

/** One keyset page over a query, run with its own parameters plus the key and limit. */
function pager(db: SqliteDatabase, source: string, extra: string) {
  const sql = keysetSql(source, extra);
  const older = db.prepare<[Params], CartRow>(sql.older);
  const newer = db.prepare<[Params], CartRow>(sql.newer);
  const atOrNewer = db.prepare<[Params], { hit: number }>(sql.anyAtOrNewer);
  const atOrOlder = db.prepare<[Params], { hit: number }>(sql.anyAtOrOlder);
  return (params: Params, request: PageRequest, top: PageKey): Paged<CartRow> => {
    const n = pageLimit(request.limit);
    const { from } = request;
    if (from.kind === 'before') {
      const key = { ...params, at: from.key.at, id: from.key.id };
      const rows = newer.all({ ...key, n: n + 1 });
      const hasPrevious = rows.length > n;
      return {
        rows: rows.slice(0, n).reverse(),
        hasPrevious,
        hasNext: atOrOlder.get(key) !== undefined,
      };
    }
    const key = from.kind === 'after' ? from.key : top;
    const at = { ...params, at: key.at, id: key.id };
    const rows = older.all({ ...at, n: n + 1 });
    return {
      rows: rows.slice(0, n),
      hasNext: rows.length > n,
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
  const dayAll = pager(db, 'carts c', inDay);
  const dayOf = pager(db, 'carts c', `${inDay} c.status = @status AND`);
  const counts = db.prepare<[number, number], Omit<DayCounts, 'all'> & { all: number }>(
    `SELECT COUNT(*) AS "all",
       COALESCE(SUM(status = 'open'), 0) AS open,
       COALESCE(SUM(status = 'bought'), 0) AS bought,
       COALESCE(SUM(status = 'closed'), 0) AS closed,
       COALESCE(SUM(json_extract(data, '$.recoveredAt') IS NOT NULL), 0) AS recovered
     FROM carts WHERE last_activity_at >= ? AND last_activity_at < ?`,
  );
  // The matching rows are found through their indexes first (address, id, alias, item names),
  // then ordered: a rare address never walks the activity index from the top.
  const hits = (withNames: boolean) => `c.rowid IN (
      SELECT rowid FROM carts WHERE email = @email
      UNION SELECT rowid FROM carts WHERE id = @text
      UNION SELECT x.rowid FROM cart_aliases a JOIN carts x ON x.id = a.cart_id WHERE a.alias = @text
      ${
        withNames
          ? `UNION SELECT x.rowid FROM cart_names_fts f JOIN cart_names n ON n.seq = f.rowid
               JOIN carts x ON x.id = n.cart_id WHERE cart_names_fts MATCH @phrase`
          : ''
      }) AND`;
  const searchNames = pager(db, 'carts c', hits(true));
  const searchPlain = pager(db, 'carts c', hits(false));
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
      const withNames = trimmed.length >= MIN_ITEM_TEXT;
      const page = withNames
        ? searchNames({ ...params, phrase: `"${trimmed.replaceAll('"', '""')}"` }, request, far)
        : searchPlain(params, request, far);
      return {
        ...mapRows(page, toCart),
        notSearched: withNames
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
