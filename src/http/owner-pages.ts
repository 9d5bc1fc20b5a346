/**
 * The owner pages under /owner (SPEC section 6): sign in with a token, the day's carts, search and
 * an address's page, a cart's timeline, the summary, and the three stops as buttons.
 * Server-rendered, no script needed. The session guard is in owner-pages/guard.ts.
 */

import type { Context } from 'hono';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { OwnerToken } from '../app/config.ts';
import type { MonthReport } from '../app/report.ts';
import type { Stops } from '../app/stops.ts';
import { AuditAction, type StoredAuditEntry } from '../domain/audit.ts';
import { localDay } from '../domain/calendar.ts';
import { isCartId, isMonth } from '../domain/input-rules.ts';
import { createSignInThrottle, type SignInThrottle } from '../domain/sign-in-throttle.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { OwnerSignOuts } from '../ports/owner-sign-outs.ts';
import type { UnsubscribeList } from '../ports/unsubscribe-list.ts';
import { HttpError } from './errors.ts';
import { limitBody } from './events-route.ts';
import { admitOwnerToken, findOwner, recordOwnerToken } from './owner-auth.ts';
import { cartBody, notFoundBody } from './owner-pages/cart.ts';
import { findRoutes } from './owner-pages/find-routes.ts';
import {
  createGuard,
  crossOrigin,
  field,
  type PagesEnv,
  refuse,
  send,
  sessionReader,
  shellFor,
} from './owner-pages/guard.ts';
import { signInBody, summaryBody } from './owner-pages/simple.ts';
import { summaryPageBody } from './owner-pages/summary.ts';
import { mountWordsPages, type WordsPagesDeps } from './owner-pages/words-routes.ts';
import { createSession, SESSION_COOKIE, SESSION_TTL_MS } from './owner-session.ts';
import type { SafeHtml } from './page.ts';

export interface OwnerPagesDeps extends WordsPagesDeps {
  readonly store: CartStore;
  readonly stops: Stops;
  readonly owners: readonly OwnerToken[];
  readonly clock: Clock;
  readonly storeTimeZone: string;
  /** The monthly summary as HTML; absent until the summary is wired. */
  readonly summaryHtml?: (month: string) => Promise<SafeHtml>;
  /** The month's figures, for the summary as tables (preferred over summaryHtml when given). */
  readonly monthReport?: (month: string) => Promise<MonthReport>;
  /** This install runs locally (SQLite): the summary's AWS lines are what it would cost there. */
  readonly localInstall?: boolean;
  /** Mark the session cookie Secure (the public URL is https). */
  readonly cookieSecure: boolean;
  /** Where sign-outs are kept, so a copied cookie stops working everywhere at once. */
  readonly signOuts: OwnerSignOuts;
  /** Wrong tokens at sign-in; the app's owner API shares it (AppDeps.ownerThrottle). */
  readonly signInThrottle?: SignInThrottle;
  /** The never-send list, for an address page's state; its audit rows stand in when absent. */
  readonly unsubscribes?: UnsubscribeList;
}

/** Blocks that stop mail to an address, from its audit rows; a resubscribe lifts only an unsubscribe. */
function addressBlock(rows: readonly StoredAuditEntry[]): string | null {
  const blocks = new Set<string>();
  for (const row of rows) {
    if (row.action === AuditAction.unsubscribe) blocks.add('unsubscribed');
    else if (row.action === AuditAction.resubscribe) blocks.delete('unsubscribed');
    else if (row.action === AuditAction.bounced) blocks.add('bounced');
    else if (row.action === AuditAction.complained) blocks.add('complained');
  }
  return [...blocks][0] ?? null;
}

export function ownerPages(deps: OwnerPagesDeps): Hono<PagesEnv> {
  const { store, stops, owners, clock, storeTimeZone: zone } = deps;
  const app = new Hono<PagesEnv>();

  app.onError((error, c) => {
    if (error instanceof HttpError) return refuse(c, error.message, error.status, error.headers);
    console.error(`[owner pages] ${c.req.method} ${c.req.path} failed:`, error);
    return refuse(c, 'Something went wrong; nothing was changed unless the page said so.', 500);
  });

  const throttle = deps.signInThrottle ?? createSignInThrottle();

  const sessionOf = sessionReader(deps);
  const guard = createGuard(sessionOf);
  app.post('/owner/carts/*', limitBody());
  app.use('/owner/carts', guard);
  app.use('/owner/carts/*', guard);
  app.use('/owner/summary', guard);
  for (const path of ['/owner/address', '/owner/address/*']) app.post(path, limitBody());
  for (const path of ['/owner/search', '/owner/address', '/owner/address/*']) app.use(path, guard);
  // Ends every session of this owner, here and wherever a copy of the cookie went. At least the
  // session's own issue time, so a server whose clock runs behind the one that issued it still
  // ends it.
  app.post('/owner/sign-out', limitBody(), guard, async (c) => {
    const session = c.get('session');
    await deps.signOuts.signOut(session.name, Math.max(clock.now(), session.issuedAt));
    deleteCookie(c, SESSION_COOKIE, { path: '/owner', secure: deps.cookieSecure });
    return c.redirect('/owner', 303);
  });

  app.get('/owner', async (c) => {
    if ((await sessionOf(c)) !== null) return c.redirect('/owner/carts', 303);
    return send(c, { title: 'Sign in', body: signInBody(null) });
  });

  // A bookmarked or reloaded sign-in URL lands on the form rather than a JSON 404.
  app.get('/owner/', (c) => c.redirect('/owner', 303));
  app.get('/owner/sign-in', (c) => c.redirect('/owner', 303));

  app.post('/owner/sign-in', limitBody(), async (c) => {
    if (crossOrigin(c)) return refuse(c, 'Refused: this form came from another site.', 403);
    const now = clock.now();
    admitOwnerToken(throttle, c, now);
    const token = (await c.req.parseBody()).token;
    const presented = typeof token === 'string' ? token.trim() : '';
    const name = presented === '' ? null : findOwner(owners, presented);
    if (presented !== '') recordOwnerToken(throttle, c, now, name !== null);
    // findOwner compared in constant time; this only picks that owner's row to key the session.
    const owner =
      name === null ? undefined : owners.find((o) => o.name === name && o.token === presented);
    if (owner === undefined) {
      return send(
        c,
        {
          title: 'Sign in',
          body: signInBody('That token is not one of this store’s owner tokens.'),
        },
        401,
      );
    }
    // Issued after the owner's last sign-out even when the clock has not moved past it (or this
    // server's clock runs behind the one that recorded it), so a fresh sign-in always holds.
    const signedOut = (await deps.signOuts.lastSignOut(owner.name)) ?? Number.NEGATIVE_INFINITY;
    setCookie(c, SESSION_COOKIE, createSession(owner, Math.max(now, signedOut + 1)), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/owner',
      secure: deps.cookieSecure,
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.redirect('/owner/carts', 303);
  });

  findRoutes(app, { store, clock, zone, unsubscribes: deps.unsubscribes, stops });

  app.get('/owner/carts/:id', async (c) => {
    const session = c.get('session');
    const id = c.req.param('id');
    const cart = isCartId(id) ? await store.get(id) : null;
    if (cart === null) {
      return send(c, { title: 'Not found', owner: shellFor(session), body: notFoundBody(id) }, 404);
    }
    const own = await store.auditFor(id);
    const forAddress = cart.email === null ? [] : await store.auditForEmail(cart.email);
    const seen = new Set(own.map((row) => row.id));
    const timeline = [
      ...own,
      ...forAddress.filter((row) => row.cartId === null && !seen.has(row.id)),
    ].sort((a, b) => a.at - b.at);
    return send(c, {
      title: `Cart ${id}`,
      current: 'carts',
      owner: shellFor(session),
      body: cartBody({
        cart,
        timeline,
        addressBlock: addressBlock(forAddress),
        addressRows: forAddress,
        flash: c.req.query('done'),
        csrf: session.csrf,
        zone,
      }),
    });
  });

  const back = (c: Context, id: string, done: string) =>
    c.redirect(`/owner/carts/${encodeURIComponent(id)}?done=${done}`, 303);
  const missing = (c: Context<PagesEnv>, id: string) =>
    send(c, { title: 'Not found', owner: shellFor(c.get('session')), body: notFoundBody(id) }, 404);

  app.post('/owner/carts/:id/suppress', async (c) => {
    const id = c.req.param('id');
    if (!isCartId(id)) return missing(c, id);
    const result = await stops.suppress(id, c.get('session').name);
    if (result.kind === 'not_found') return missing(c, id);
    return back(c, id, result.kind === 'stopped' ? 'suppressed' : 'already_final');
  });

  app.post('/owner/carts/:id/write-off', async (c) => {
    const id = c.req.param('id');
    if (!isCartId(id)) return missing(c, id);
    const reason = (field(c.get('form'), 'reason') ?? '').trim();
    if (reason.length === 0 || reason.length > 500) return back(c, id, 'reason_missing');
    const result = await stops.writeOff(id, c.get('session').name, reason);
    if (result.kind === 'not_found') return missing(c, id);
    return back(c, id, result.kind === 'stopped' ? 'written_off' : 'already_final');
  });

  app.post('/owner/carts/:id/unsubscribe', async (c) => {
    const id = c.req.param('id');
    const cart = isCartId(id) ? await store.get(id) : null;
    if (cart === null) return missing(c, id);
    if (cart.email === null)
      throw new HttpError(400, 'This cart has no email address to unsubscribe.');
    const result = await stops.unsubscribe(cart.email, c.get('session').name, cart.id);
    return back(c, id, result.kind === 'unsubscribed' ? 'unsubscribed' : 'already_unsubscribed');
  });

  app.get('/owner/summary', async (c) => {
    const month = c.req.query('month') || localDay(clock.now(), zone).slice(0, 7);
    if (!isMonth(month)) throw new HttpError(400, `"${month}" is not a month like 2026-11`);
    const thisMonth = localDay(clock.now(), zone).slice(0, 7);
    const report = deps.monthReport === undefined ? null : await deps.monthReport(month);
    const content =
      report !== null || deps.summaryHtml === undefined ? null : await deps.summaryHtml(month);
    return send(c, {
      title: `Summary ${month}`,
      current: 'summary',
      owner: shellFor(c.get('session')),
      body:
        report === null
          ? summaryBody(month, content)
          : summaryPageBody({ month, thisMonth, report, local: deps.localInstall ?? false }),
    });
  });

  mountWordsPages(app, deps, {
    clock,
    zone,
    guard,
    page: (c, shell, status) => send(c, { ...shell, owner: shellFor(c.get('session')) }, status),
    session: (c) => c.get('session'),
  });

  return app;
}
