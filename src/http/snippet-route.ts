/**
 * The storefront snippet lane, for platforms that cannot post webhooks: `/snippet.js` posts cart
 * changes from the shopper's browser with a publishable key. A browser can be anyone, so this
 * lane is fenced in: only origins on the store's allow-list, rate-limited per IP and per address,
 * carts live in their own id space (`web_…`), the time is the server's, it can never mark a cart
 * bought, and every reminder still passes the same gate (one per address per 20 h by default).
 */
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { Ingest } from '../app/intake.ts';
import { parseCartEvent } from '../domain/events.ts';
import { fieldProblems } from '../domain/field-problems.ts';
import { createRateLimiter } from '../domain/rate-limit.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError } from './errors.ts';
import { parseJsonBody, readLimitedBody } from './events-route.ts';
import { SNIPPET_JS } from './snippet-script.ts';

export interface SnippetRouteDeps {
  readonly ingest: Ingest;
  readonly clock: Clock;
  /** null: the lane is off and its routes answer 404. */
  readonly snippet: { readonly key: string; readonly origins: readonly string[] } | null;
  /** Per minute, per client IP and per email address. */
  readonly limits?: { readonly perIp: number; readonly perAddress: number };
}

const bodySchema = z.strictObject({
  key: z.string().max(200),
  // Validated in full by parseCartEvent below; here only the envelope.
  cart: z.record(z.string(), z.unknown()),
  type: z.string().optional(),
});

/** The caller's address as the server sees it (Node socket or Lambda request context). */
export function clientIp(c: Context): string {
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        requestContext?: { http?: { sourceIp?: string } };
      }
    | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.requestContext?.http?.sourceIp ?? 'unknown';
}

export function snippetRoute({ ingest, clock, snippet, limits }: SnippetRouteDeps): Hono {
  const app = new Hono();
  const perIp = createRateLimiter({
    capacity: limits?.perIp ?? 60,
    perMinute: limits?.perIp ?? 60,
  });
  const perAddress = createRateLimiter({
    capacity: limits?.perAddress ?? 20,
    perMinute: limits?.perAddress ?? 20,
  });
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

  app.post('/snippet/events', async (c) => {
    const { key } = enabled();
    const origin = allowedOrigin(c);
    cors(c, origin);
    const now = clock.now();
    if (!perIp.take(clientIp(c), now))
      throw new HttpError(429, 'too many cart events from this address; slow down');
    const raw = await readLimitedBody(c.req.raw);
    const envelope = bodySchema.safeParse(parseJsonBody(raw, c.req.header('content-type')));
    if (!envelope.success) {
      throw new HttpError(400, 'invalid snippet event', fieldProblems(envelope.error.issues));
    }
    if (envelope.data.key !== key) {
      throw new HttpError(401, 'unauthorized', [
        { path: 'key', problem: 'unknown publishable key' },
      ]);
    }
    if (envelope.data.type !== undefined && envelope.data.type !== 'cart.updated') {
      throw new HttpError(
        403,
        'the browser lane cannot mark a cart bought; send checkouts from your server, signed',
        [{ path: 'type', problem: 'only cart.updated is accepted here' }],
      );
    }
    const rawId = envelope.data.cart.id;
    if (typeof rawId !== 'string' || rawId === '') {
      throw new HttpError(400, 'invalid snippet event', [
        { path: 'cart.id', problem: 'is required' },
      ]);
    }
    const parsed = parseCartEvent({
      id: nextEventId(),
      type: 'cart.updated',
      // The server's time: a browser clock can be wrong, or lie to jump the queue.
      occurredAt: new Date(now).toISOString(),
      cart: { ...envelope.data.cart, id: `web_${rawId}`.slice(0, 128) },
      orderId: null,
    });
    if (!parsed.ok) {
      throw new HttpError(400, 'invalid snippet event', parsed.details);
    }
    const email = parsed.event.cart.email;
    if (email !== null && !perAddress.take(email, now)) {
      throw new HttpError(429, 'too many cart events for this email address; slow down');
    }
    const result = await ingest(parsed.event);
    return c.json({
      cart: { id: parsed.event.cart.id, status: result.cart?.status ?? 'open' },
      duplicate: false,
    });
  });

  return app;
}
