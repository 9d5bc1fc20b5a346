/**
 * Keyset paging of cart lists, newest first: a page is cut at a (lastActivityAt, cartId) key,
 * never at an offset, so a cart arriving meanwhile cannot push a row onto the next page twice
 * or hide one. Pure: the cursor text and the in-memory pager adapters use over a small list.
 */

/** Where a row sits in a list: its last shopper activity and its id (the tie-break). */
export interface PageKey {
  readonly at: number;
  readonly id: string;
}

/** Which page: the newest, the one after a key (older rows), or the one before it (newer). */
export type PageFrom =
  | { readonly kind: 'first' }
  | { readonly kind: 'after'; readonly key: PageKey }
  | { readonly kind: 'before'; readonly key: PageKey };

export interface PageRequest {
  readonly from: PageFrom;
  /** At most MAX_PAGE_ROWS; an adapter clamps a larger one. */
  readonly limit: number;
}

/** One page and whether pages lie on either side of it. */
export interface Paged<T> {
  readonly rows: readonly T[];
  /** Older rows follow the last one. */
  readonly hasNext: boolean;
  /** Newer rows precede the first one. */
  readonly hasPrevious: boolean;
}

/** The owner pages never render more rows than this at once (issue 16). */
export const MAX_PAGE_ROWS = 100;

export const pageLimit = (limit: number): number =>
  Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor(limit)));

/** Newest first; the same instant orders by id, descending. */
export function newestFirst(a: PageKey, b: PageKey): number {
  if (a.at !== b.at) return b.at - a.at;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The page `request` names out of rows already sorted newest first: what an adapter does when
 * it holds a bounded list in memory (one address's carts, one day's index entries).
 */
export function pageOf<T extends PageKey>(sorted: readonly T[], request: PageRequest): Paged<T> {
  const limit = pageLimit(request.limit);
  const { from } = request;
  switch (from.kind) {
    case 'first':
      return { rows: sorted.slice(0, limit), hasNext: sorted.length > limit, hasPrevious: false };
    case 'after': {
      const start = sorted.findIndex((row) => newestFirst(row, from.key) > 0);
      const begin = start === -1 ? sorted.length : start;
      const rows = sorted.slice(begin, begin + limit);
      return { rows, hasNext: sorted.length > begin + limit, hasPrevious: begin > 0 };
    }
    case 'before': {
      const end = sorted.findIndex((row) => newestFirst(row, from.key) >= 0);
      const stop = end === -1 ? sorted.length : end;
      const begin = Math.max(0, stop - limit);
      return {
        rows: sorted.slice(begin, stop),
        hasNext: stop < sorted.length,
        hasPrevious: begin > 0,
      };
    }
    default:
      return unreachable(from);
  }
}

function unreachable(value: never): never {
  throw new Error(`unknown page position ${JSON.stringify(value)}`);
}

const CURSOR = /^([ab])(\d{1,16})\.(.{1,200})$/s;

/**
 * The cursor a next or previous link carries: opaque to the owner (base64url), read back only by
 * decodeCursor. It names a row's key, not a position, so it stays valid while rows arrive.
 */
export function encodeCursor(from: Exclude<PageFrom, { kind: 'first' }>): string {
  const tag = from.kind === 'after' ? 'a' : 'b';
  return Buffer.from(`${tag}${from.key.at}.${from.key.id}`, 'utf8').toString('base64url');
}

/** The page a cursor names, or null when the text is not one of ours. */
export function decodeCursor(text: string): PageFrom | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(text)) return null;
  const match = CURSOR.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (match === null) return null;
  const [, tag, at, id] = match;
  if (id === undefined || at === undefined) return null;
  const key = { at: Number(at), id };
  return tag === 'a' ? { kind: 'after', key } : { kind: 'before', key };
}
