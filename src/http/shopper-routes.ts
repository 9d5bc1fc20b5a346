/**
 * The shopper's own links, all signed: one-click unsubscribe (RFC 8058), the way back in, and the
 * click-through to the cart. A GET never changes anything (mail scanners follow links); a POST does.
 * A person opens these from an email, so a browser always lands on a page, never on JSON.
 *
 * These are public doors, so each is throttled per client address and per link, every answer
 * carries the pages' security headers, and what a flood of requests could write is bounded: one
 * click row per cart and step an hour, and the way back in a few times an hour per address.
 */
import { type Context, Hono } from 'hono';
import type { Stops } from '../app/stops.ts';
import { AuditAction, auditEntry, SHOPPER } from '../domain/audit.ts';
import { localDay } from '../domain/calendar.ts';
import type { Cart } from '../domain/cart.ts';
import {
  type ClickLanding,
  clickLanding,
  type LinkPurpose,
  type LinkSigner,
} from '../domain/link-tokens.ts';
import { createRateLimiter } from '../domain/rate-limit.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError, pageErrors, tooManyRequests } from './errors.ts';
import { limitBody } from './events-route.ts';
import { html, PAGE_HEADERS, shopperPage } from './page.ts';
import { shopperPages } from './shopper-pages.ts';
import { clientIp } from './snippet-route.ts';

/** Requests allowed per minute (each also the burst), and shopper resubscribes per hour. */
export interface ShopperLimits {
  readonly perClient: number;
  readonly perLink: number;
  readonly resubscribesPerHour: number;
}

/**
 * A person clicks a link a few times and a mail scanner fetches it once or twice; far more from
 * one address or for one link is a script. A shopper changes their mind about reminders once or
 * twice, not dozens of times an hour.
 */
export const DEFAULT_SHOPPER_LIMITS: ShopperLimits = {
  perClient: 60,
  perLink: 20,
  resubscribesPerHour: 3,
};

export interface ShopperRoutesDeps {
  readonly links: LinkSigner;
  readonly stops: Stops;
  readonly store: CartStore;
  readonly clock: Clock;
  readonly storeName: string;
  /** CR_STORE_URL: where a link that can no longer restore sends the shopper; undefined: no link. */
  readonly storeUrl: string | undefined;
  /** CR_TIMEZONE: the summary's months, which the click rows are kept apart by. */
  readonly storeTimeZone: string;
  readonly limits?: ShopperLimits;
}

const HOUR_MS = 60 * 60 * 1000;

export function shopperRoutes(deps: ShopperRoutesDeps): Hono {
  const { links, stops, store, clock, storeName, storeUrl } = deps;
  const limits = deps.limits ?? DEFAULT_SHOPPER_LIMITS;
  const app = new Hono();

  // Every answer of these routes, pages, redirects and JSON errors alike. Per path, not '*': a
  // '*' middleware of a group mounted at '/' would run for every route of the app.
  for (const path of ['/c', '/unsubscribe', '/resubscribe']) {
    app.use(path, async (c, next) => {
      await next();
      for (const [name, value] of Object.entries(PAGE_HEADERS)) c.res.headers.set(name, value);
    });
  }

  const { errorPage, cartGone, toStore } = shopperPages(storeName, storeUrl);
  app.onError(pageErrors(errorPage));

  function verified<P extends LinkPurpose>(token: string | undefined, purpose: P) {
    const result = links.verify(token ?? '', purpose);
    if (!result.ok || result.payload.purpose !== purpose) {
      throw new HttpError(400, 'this link is not valid', [
        { path: 't', problem: result.ok ? 'wrong kind of link' : result.problem },
      ]);
    }
    return result.payload as Extract<typeof result.payload, { purpose: P }>;
  }

  const perClient = createRateLimiter({ capacity: limits.perClient, perMinute: limits.perClient });
  const perLink = createRateLimiter({ capacity: limits.perLink, perMinute: limits.perLink });
  const resubscribes = createRateLimiter({
    capacity: limits.resubscribesPerHour,
    perMinute: limits.resubscribesPerHour / 60,
  });
  // A bucket with `perMinute` tokens a minute has one again within 60 / perMinute seconds.
  const refill = (perMinute: number) => 60_000 / perMinute;

  /**
   * After the token verified: a token that does not costs one HMAC or decrypt and touches nothing,
   * no more than the limiter would, while a valid one reads and writes the store. The link's key
   * is what it stands for, so an address's unsubscribe and resubscribe links share one budget.
   */
  function admit(c: Context, link: string): void {
    const now = clock.now();
    if (!perClient.take(clientIp(c), now)) {
      throw tooManyRequests('from this address', refill(limits.perClient));
    }
    if (!perLink.take(link, now)) throw tooManyRequests('for this link', refill(limits.perLink));
  }
  const addressKey = (email: string) => `address\n${email}`;

  app.get('/unsubscribe', (c) => {
    const token = c.req.query('t');
    const { email } = verified(token, 'unsubscribe');
    admit(c, addressKey(email));
    return c.html(
      shopperPage(
        'Unsubscribe',
        html`<h1>Stop reminder emails from ${storeName}?</h1>
          <p>We will not send cart reminders to <strong>${email}</strong> again.</p>
          <form method="post" action="/unsubscribe?t=${encodeURIComponent(token ?? '')}">
            <input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit">Unsubscribe</button>
          </form>`,
        'confirm',
      ),
    );
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
  // A repeat finds the address already on the list and writes nothing.
  app.post('/unsubscribe', limitBody(), async (c) => {
    const token = c.req.query('t');
    const payload = verified(token, 'unsubscribe');
    admit(c, addressKey(payload.email));
    await stops.unsubscribe(payload.email, SHOPPER, payload.cartId);
    const back = links.sign({ purpose: 'resubscribe', email: payload.email });
    return c.html(
      shopperPage(
        'Unsubscribed',
        html`<h1>You are unsubscribed</h1>
          <p><strong>${payload.email}</strong> will get no more cart reminders from ${storeName}.</p>
          <form method="post" action="/resubscribe?t=${encodeURIComponent(back)}">
            <button class="secondary" type="submit">That was a mistake: subscribe me again</button>
          </form>`,
        'unsubscribed',
      ),
    );
  });

  app.get('/resubscribe', (c) => {
    const token = c.req.query('t');
    const { email } = verified(token, 'resubscribe');
    admit(c, addressKey(email));
    return c.html(
      shopperPage(
        'Subscribe again',
        html`<h1>Get cart reminders from ${storeName} again?</h1>
          <p>For <strong>${email}</strong>.</p>
          <form method="post" action="/resubscribe?t=${encodeURIComponent(token ?? '')}">
            <button type="submit">Subscribe again</button>
          </form>`,
        'confirm',
      ),
    );
  });

  /**
   * Only the way back in can undo an unsubscribe, so capping it per address caps what toggling
   * the two links can write: at most two audit rows per resubscribe allowed.
   */
  app.post('/resubscribe', limitBody(), async (c) => {
    const { email } = verified(c.req.query('t'), 'resubscribe');
    admit(c, addressKey(email));
    if (!resubscribes.take(email, clock.now())) {
      throw tooManyRequests(
        'to subscribe this address again',
        refill(limits.resubscribesPerHour / 60),
      );
    }
    const result = await stops.resubscribe(email);
    return c.html(shopperPage('Subscribe again', resubscribed(result.kind, email), result.kind));
  });

  function resubscribed(kind: Awaited<ReturnType<Stops['resubscribe']>>['kind'], email: string) {
    switch (kind) {
      case 'resubscribed':
        return html`<h1>Welcome back</h1><p><strong>${email}</strong> can get cart reminders again.</p>`;
      case 'not_unsubscribed':
        return html`<h1>Nothing to change</h1><p><strong>${email}</strong> was not unsubscribed by its owner, so there is nothing to undo here.</p>`;
      case 'kept_by_store':
        return html`<h1>Nothing was changed</h1><p>The store has stopped reminders to <strong>${email}</strong>; contact the store to have them sent again.</p>${toStore()}`;
    }
  }

  /**
   * A click is recorded unless the same cart and step already has one from the last hour in the
   * same month of the store: the summary counts carts clicked per month, so a repeat within the
   * hour adds nothing it would count, and a flood of clicks writes one row an hour.
   */
  async function recordClick(cart: Cart, step: number, landing: ClickLanding): Promise<void> {
    const now = clock.now();
    if (cart.clickedAt === null) {
      const after = { ...cart, clickedAt: now };
      // A lost race here only loses the first-click time; the audit row below still counts it.
      await store.save({ cart: after, expectedVersion: cart.version, audit: [] });
    }
    const month = (at: number) => localDay(at, deps.storeTimeZone).slice(0, 7);
    const recent = (await store.auditFor(cart.id)).some(
      (row) =>
        row.action === AuditAction.clicked &&
        // A step written as "2" by some adapter is still step 2, as the summary reads it.
        Number(row.detail?.step) === step &&
        row.at <= now &&
        now - row.at < HOUR_MS &&
        month(row.at) === month(now),
    );
    if (recent) return;
    await store.appendAudit([
      auditEntry({
        cartId: cart.id,
        email: cart.email,
        action: AuditAction.clicked,
        actor: SHOPPER,
        at: now,
        // Still a click when the link cannot restore: the reminder brought the shopper back,
        // which is what the owner's "clicked" count measures; `restored` says where they landed.
        detail: clickDetail(step, landing),
      }),
    ]);
  }

  // The click-through: counted for the summary, then on to the link the reminder was sent with.
  app.get('/c', async (c) => {
    const { cartId, step, target } = verified(c.req.query('t'), 'click');
    admit(c, `click\n${cartId}\n${step}`);
    const cart = await store.get(cartId);
    // Gone (retention removed it): nothing to count the click against.
    if (cart === null) return cartGone(c);
    const landing = clickLanding(cart, target);
    await recordClick(cart, step, landing);
    if (landing.kind === 'gone') return cartGone(c);
    return c.redirect(landing.url, 302);
  });

  return app;
}

function clickDetail(
  step: number,
  landing: ClickLanding,
): Record<string, number | boolean | string> {
  if (landing.kind === 'restore') return { step };
  if (landing.why === 'no_link') return { step, restored: false };
  return { step, restored: false, why: 'link_changed' };
}
