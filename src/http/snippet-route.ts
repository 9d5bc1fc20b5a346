/**
 * The storefront snippet lane, for platforms that cannot post webhooks: `/snippet.js` posts cart
 * changes from the shopper's browser with a publishable key. The key is in the store's page
 * source and an Origin header is whatever curl says, so neither proves anything: this lane is
 * built for senders who are strangers.
 *
 * - Its links lead only to the store: restore, item and image links must be on the hosts of
 *   CR_SNIPPET_ORIGINS (domain/store-hosts.ts), or the reminder is a phishing mail in the store's
 *   name.
 * - Its carts belong to the browser that made them: the row id is an HMAC of a token only that
 *   browser holds (domain/browser-cart.ts); and once a reminder went to a cart, its address and
 *   restore link stay (app/browser-intake.ts).
 * - It is rate-limited per client (IPv4 address, IPv6 /64; X-Forwarded-For only from a proxy
 *   named in CR_TRUST_PROXY) and per address; the lane as a whole mails at most
 *   CR_SNIPPET_DAILY_CAP new addresses a day (app/wake.ts), and its bounces pause only itself.
 * - The time is the server's, it can never mark a cart bought, and every reminder still passes
 *   the same gate.
 */
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import * as z from 'zod';
import type { Ingest } from '../app/intake.ts';
import { BROWSER_TOKEN, browserCartId, browserCartKey, CART_HINT } from '../domain/browser-cart.ts';
import { clientKey } from '../domain/client-address.ts';
import { type CartEvent, parseCartEvent } from '../domain/events.ts';
import { type FieldProblem, fieldProblems } from '../domain/field-problems.ts';
import { createRateLimiter } from '../domain/rate-limit.ts';
import { linksOffHosts } from '../domain/store-hosts.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { EventLane } from '../ports/metrics.ts';
import { clientIp } from './client-ip.ts';
import { HttpError } from './errors.ts';
import { type EventObservers, observeEvents } from './event-outcomes.ts';
import { parseJsonBody, readLimitedBody } from './request-body.ts';
import { SNIPPET_JS } from './snippet-script.ts';

// Where the other routes have long imported them from.
export { clientIp, trustProxies } from './client-ip.ts';

export interface SnippetLimits {
  /** Cart changes per client (IPv4 address or IPv6 /64): a burst of this many, then per minute. */
  readonly perClient: number;
  /** New carts per client: a burst of this many, then this many an hour. */
  readonly newCartsPerClient: number;
  /** Changes that give a cart an address it did not have, per client: burst, then per hour. */
  readonly newAddressesPerClient: number;
  /** Changes per email address: a burst of this many, then per minute. */
  readonly perAddress: number;
}

/**
 * A shopper makes one cart and types one address (two with a typo); a household or an office
 * behind one address, a few. A script making a cart per victim gets 10, then one every 6 minutes,
 * and 5 addresses, then one every 12 minutes, per client network.
 */
export const DEFAULT_SNIPPET_LIMITS: SnippetLimits = {
  perClient: 60,
  newCartsPerClient: 10,
  newAddressesPerClient: 5,
  perAddress: 20,
};

export interface SnippetRouteDeps extends EventObservers {
  /** The browser lane's intake (app/browser-intake.ts). */
  readonly ingest: Ingest;
  /** To tell a new cart from a known one (per-client limit on new carts). */
  readonly store: Pick<CartStore, 'get'>;
  readonly clock: Clock;
  /** null: the lane is off and its routes answer 404. */
  readonly snippet: { readonly key: string; readonly origins: readonly string[] } | null;
  /** A server secret the browser cart ids are derived under (the shopper-link secret). */
  readonly cartSecret: string;
  readonly limits?: Partial<SnippetLimits>;
}

const bodySchema = z.strictObject({
  key: z.string().max(200),
  /** The browser's own random token (snippet.js keeps it in localStorage). */
  token: z.string().max(200).optional(),
  // Validated in full by parseCartEvent below; here only the envelope.
  cart: z.record(z.string(), z.unknown()),
  type: z.string().optional(),
});

const perHour = (n: number) => n / 60;

export function snippetRoute(deps: SnippetRouteDeps): Hono {
  const { ingest, store, clock, snippet } = deps;
  const limits = { ...DEFAULT_SNIPPET_LIMITS, ...deps.limits };
  const observe = observeEvents(EventLane.snippet, deps);
  const app = new Hono();
  const perClient = createRateLimiter({
    capacity: limits.perClient,
    perMinute: limits.perClient,
  });
  const newCarts = createRateLimiter({
    capacity: limits.newCartsPerClient,
    perMinute: perHour(limits.newCartsPerClient),
  });
  const newAddresses = createRateLimiter({
    capacity: limits.newAddressesPerClient,
    perMinute: perHour(limits.newAddressesPerClient),
  });
  const perAddress = createRateLimiter({
    capacity: limits.perAddress,
    perMinute: limits.perAddress,
  });
  const idKey = browserCartKey(deps.cartSecret);
  // Browser events carry the server's time, so two changes of one cart can share a millisecond,
  // and intake breaks that tie by event id. A random id made the winner a coin toss; a sequence
  // in front (the random part keeps ids unique across processes) lets the later arrival win,
  // and the snippet sends one change at a time, in the page's order.
  let sequence = 0;
  const nextEventId = () => `web_${String(++sequence).padStart(12, '0')}_${randomUUID()}`;

  function enabled() {
    if (snippet === null)
      throw new HttpError(404, 'the storefront snippet is not enabled (set CR_SNIPPET_KEY)');
    return snippet;
  }

  function allowedOrigin(c: Context): string {
    const { origins } = enabled();
    const origin = c.req.header('origin');
    if (origin === undefined || !origins.includes(origin)) {
      throw new HttpError(403, 'origin not allowed', [
        { path: '(headers).origin', problem: `${origin ?? 'none'} is not in CR_SNIPPET_ORIGINS` },
      ]);
    }
    return origin;
  }

  function cors(c: Context, origin: string) {
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Vary', 'Origin');
  }

  function tooMany(what: string): never {
    throw new HttpError(429, `too many ${what}; slow down`);
  }

  app.get('/snippet.js', (c) => {
    enabled();
    c.header('content-type', 'application/javascript; charset=utf-8');
    c.header('cache-control', 'public, max-age=300');
    return c.body(SNIPPET_JS);
  });

  app.options('/snippet/events', (c) => {
    const origin = allowedOrigin(c);
    cors(c, origin);
    c.header('Access-Control-Allow-Methods', 'POST');
    c.header('Access-Control-Allow-Headers', 'content-type');
    c.header('Access-Control-Max-Age', '600');
    return c.body(null, 204);
  });

  /** The browser's change as a store event on its own row, or a 400 naming what is wrong. */
  function browserEvent(
    body: Envelope & { token: string },
    now: number,
    origins: readonly string[],
  ) {
    const hint = body.cart.id ?? '';
    if (typeof hint !== 'string' || (hint !== '' && !CART_HINT.test(hint))) {
      throw new HttpError(400, 'invalid snippet event', [
        { path: 'cart.id', problem: 'must be 1-128 printable characters (your own cart id)' },
      ]);
    }
    const parsed = parseCartEvent({
      id: nextEventId(),
      type: 'cart.updated',
      // The server's time: a browser clock can be wrong, or lie to jump the queue.
      occurredAt: new Date(now).toISOString(),
      cart: { ...body.cart, id: browserCartId(idKey, body.token, hint) },
      orderId: null,
    });
    if (!parsed.ok) throw new HttpError(400, 'invalid snippet event', parsed.details);
    const offHosts = linksOffHosts(parsed.event.cart, origins);
    if (offHosts.length > 0) {
      throw new HttpError(400, 'links must lead to the store (CR_SNIPPET_ORIGINS)', offHosts);
    }
    return parsed.event;
  }

  /** Spends the client's and the address's allowances, or answers 429 saying which ran out. */
  async function withinLimits(event: CartEvent, client: string, now: number) {
    const email = event.cart.email;
    const row = await store.get(event.cart.id);
    if (row === null && !newCarts.take(client, now)) tooMany('new carts from this address');
    if (email !== null && email !== row?.email && !newAddresses.take(client, now)) {
      tooMany('new email addresses from this address');
    }
    if (email !== null && !perAddress.take(email, now)) {
      tooMany('cart events for this email address');
    }
  }

  async function post(c: Context, seen: { cartId: string | null }) {
    const { key, origins } = enabled();
    cors(c, allowedOrigin(c));
    const now = clock.now();
    const client = clientKey(clientIp(c));
    if (!perClient.take(client, now)) tooMany('cart events from this address');
    const raw = await readLimitedBody(c.req.raw);
    const body = checkedEnvelope(parseJsonBody(raw, c.req.header('content-type')), key);
    const event = browserEvent(body, now, origins);
    // The row id derived for this browser, never the page's own cart id hint.
    seen.cartId = event.cart.id;
    await withinLimits(event, client, now);
    const saved = (await ingest(event)).cart;
    return c.json({
      cart: { id: event.cart.id, status: saved?.status ?? 'open' },
      duplicate: false,
      ...ignoredFields(event.cart, saved),
    });
  }

  app.post('/snippet/events', async (c) => {
    const seen = { cartId: null as string | null };
    try {
      const answer = await post(c, seen);
      observe.accepted();
      return answer;
    } catch (error) {
      observe.rejected(error, seen.cartId);
      throw error;
    }
  });

  return app;
}

type Envelope = z.infer<typeof bodySchema>;

/** The request's envelope: well-formed, this store's key, a change (never a checkout), a token. */
function checkedEnvelope(json: unknown, key: string): Envelope & { token: string } {
  const envelope = bodySchema.safeParse(json);
  if (!envelope.success) {
    throw new HttpError(400, 'invalid snippet event', fieldProblems(envelope.error.issues));
  }
  const body = envelope.data;
  if (body.key !== key) {
    throw new HttpError(401, 'unauthorized', [{ path: 'key', problem: 'unknown publishable key' }]);
  }
  if (body.type !== undefined && body.type !== 'cart.updated') {
    throw new HttpError(
      403,
      'the browser lane cannot mark a cart bought; send checkouts from your server, signed',
      [{ path: 'type', problem: 'only cart.updated is accepted here' }],
    );
  }
  // Without the token anyone could write any cart; with someone else's, only that one.
  const { token } = body;
  if (token === undefined || !BROWSER_TOKEN.test(token)) {
    throw new HttpError(401, 'this browser is not identified', [
      {
        path: 'token',
        problem:
          token === undefined
            ? 'is required: the random token snippet.js keeps in the browser'
            : 'must be 22-128 characters of letters, digits, "_" and "-"',
      },
    ]);
  }
  return { ...body, token };
}

/** What the row kept instead of the browser's value: a reminder already went to this cart. */
function ignoredFields(
  sent: { readonly email: string | null; readonly restoreUrl: string | null },
  saved: { readonly email: string | null; readonly restoreUrl: string | null } | null,
): { ignored?: FieldProblem[] } {
  if (saved === null) return {};
  const ignored: FieldProblem[] = [];
  const why = 'a reminder already went to this cart, so it keeps the one that reminder used';
  if (sent.email !== null && sent.email !== saved.email) {
    ignored.push({ path: 'cart.email', problem: why });
  }
  if (sent.restoreUrl !== null && sent.restoreUrl !== saved.restoreUrl) {
    ignored.push({ path: 'cart.restoreUrl', problem: why });
  }
  return ignored.length === 0 ? {} : { ignored };
}
