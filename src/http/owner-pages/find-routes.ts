/**
 * Finding carts (issue 16): the day's list and search, each a page of at most 100 rows with
 * opaque keyset cursors in its links, and an address's page. The address page is reached by a
 * POST form, never a URL: an address in a URL lands in proxy logs, browser history and any link
 * an owner shares, and this page is the one that is about a person rather than a cart.
 */
import type { Context, Hono } from 'hono';
import type { Stops } from '../../app/stops.ts';
import { AuditAction, type StoredAuditEntry } from '../../domain/audit.ts';
import { dayRange, isDay, localDay } from '../../domain/calendar.ts';
import type { Cart } from '../../domain/cart.ts';
import {
  decodeCursor,
  encodeCursor,
  MAX_PAGE_ROWS,
  type Paged,
  type PageFrom,
} from '../../domain/cart-page.ts';
import { normaliseEmail } from '../../domain/email.ts';
import type { CartStore } from '../../ports/cart-store.ts';
import type { Clock } from '../../ports/clock.ts';
import {
  type AddressBlock,
  BlockKind,
  mergeBlock,
  type UnsubscribeList,
} from '../../ports/unsubscribe-list.ts';
import { HttpError } from '../errors.ts';
import { type AddressFlash, addressBody } from './address.ts';
import { dayBody, isStatusFilter, type PageLinks, StatusFilter } from './day.ts';
import { field, type PagesEnv, send, shellFor } from './guard.ts';
import { searchBody } from './search.ts';

export interface FindRoutesDeps {
  readonly store: CartStore;
  readonly stops: Stops;
  readonly clock: Clock;
  readonly zone: string;
  readonly unsubscribes?: UnsubscribeList;
}

function cursorOf(c: Context): PageFrom {
  const text = c.req.query('cursor');
  if (text === undefined || text === '') return { kind: 'first' };
  const from = decodeCursor(text);
  if (from === null) throw new HttpError(400, 'the cursor parameter is not a page of this list');
  return from;
}

/** The links either side of a page; `href('')` is the list's first page. */
export function linksOf(page: Paged<Cart>, href: (cursor: string) => string): PageLinks {
  const first = page.rows[0];
  const last = page.rows.at(-1);
  const key = (cart: Cart) => ({ at: cart.lastActivityAt, id: cart.id });
  const previous = !page.hasPrevious
    ? null
    : first === undefined
      ? href('')
      : href(encodeCursor({ kind: 'before', key: key(first) }));
  const next =
    page.hasNext && last !== undefined
      ? href(encodeCursor({ kind: 'after', key: key(last) }))
      : null;
  return { previous, next };
}

const withCursor = (base: string, cursor: string) =>
  cursor === '' ? base : `${base}&cursor=${encodeURIComponent(cursor)}`;

/** The list's word when there is one; else the audit rows' (a test harness without the list). */
function blockFromAudit(email: string, rows: readonly StoredAuditEntry[]): AddressBlock | null {
  let block: AddressBlock | null = null;
  const kinds: Partial<Record<string, BlockKind>> = {
    [AuditAction.unsubscribe]: BlockKind.unsubscribed,
    [AuditAction.bounced]: BlockKind.bounced,
    [AuditAction.complained]: BlockKind.complained,
  };
  for (const row of rows) {
    const kind = kinds[row.action];
    if (row.action === AuditAction.resubscribe && block?.kind === BlockKind.unsubscribed)
      block = null;
    if (kind !== undefined)
      block = mergeBlock(block, { email, kind, at: row.at, actor: row.actor }) ?? block;
  }
  return block;
}

export function findRoutes(app: Hono<PagesEnv>, deps: FindRoutesDeps): void {
  const { store, stops, clock, zone } = deps;

  app.get('/owner/carts', async (c) => {
    const today = localDay(clock.now(), zone);
    const day = c.req.query('day') || today;
    const status = c.req.query('status') || StatusFilter.all;
    if (!isDay(day)) throw new HttpError(400, `"${day}" is not a date like 2026-11-23`);
    if (!isStatusFilter(status)) throw new HttpError(400, `"${status}" is not a status filter`);
    const { from, to } = dayRange(day, zone);
    const request = { from: cursorOf(c), limit: MAX_PAGE_ROWS };
    const only = status === StatusFilter.all ? null : status;
    const [page, counts] = await Promise.all([
      store.dayPage(from, to, only, request),
      store.dayCounts(from, to),
    ]);
    const base = `/owner/carts?day=${day}&status=${status}`;
    return send(c, {
      title: `Carts ${day}`,
      current: 'carts',
      owner: shellFor(c.get('session')),
      body: dayBody({
        day,
        today,
        status,
        zone,
        carts: page.rows,
        counts,
        links: linksOf(page, (cursor) => withCursor(base, cursor)),
      }),
    });
  });

  app.get('/owner/search', async (c) => {
    const session = c.get('session');
    const q = (c.req.query('q') ?? '').trim().slice(0, 254);
    const result =
      q === '' ? null : await store.searchCarts(q, { from: cursorOf(c), limit: MAX_PAGE_ROWS });
    const address = normaliseEmail(q);
    const base = `/owner/search?q=${encodeURIComponent(q)}`;
    return send(c, {
      title: q === '' ? 'Search' : `Search: ${q}`,
      current: 'carts',
      owner: shellFor(session),
      body: searchBody({
        q,
        result,
        links:
          result === null
            ? { previous: null, next: null }
            : linksOf(result, (cursor) => withCursor(base, cursor)),
        address: address.ok ? address.email : null,
        csrf: session.csrf,
        zone,
      }),
    });
  });

  async function addressPage(c: Context<PagesEnv>, unsubscribe: boolean) {
    const session = c.get('session');
    const address = normaliseEmail(field(c.get('form'), 'email') ?? '');
    if (!address.ok) {
      throw new HttpError(400, `The address page needs an email address: ${address.problem}`);
    }
    const { email } = address;
    let flash: AddressFlash | null = null;
    if (unsubscribe) {
      const done = await stops.unsubscribe(email, session.name, null);
      flash = done.kind === 'unsubscribed' ? 'unsubscribed' : 'already';
    }
    const [block, carts] = await Promise.all([
      deps.unsubscribes === undefined
        ? store.auditForEmail(email).then((rows) => blockFromAudit(email, rows))
        : deps.unsubscribes.get(email),
      store.searchCarts(email, { from: { kind: 'first' }, limit: MAX_PAGE_ROWS }),
    ]);
    return send(c, {
      title: 'Address',
      current: 'carts',
      owner: shellFor(session),
      body: addressBody({
        email,
        block,
        carts: carts.rows.filter((cart) => cart.email === email),
        more: carts.hasNext,
        flash,
        csrf: session.csrf,
        zone,
      }),
    });
  }

  app.post('/owner/address', (c) => addressPage(c, false));
  // Answers with the page itself rather than a redirect, which would carry the address in its
  // URL. A reload posts again: the unsubscribe is idempotent and then says "already".
  app.post('/owner/address/unsubscribe', (c) => addressPage(c, true));
}
