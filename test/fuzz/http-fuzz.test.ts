/**
 * Hostile input at every HTTP door (SPEC sections 1, 4, 6): signed but malformed events, Shopify
 * webhooks, shopper link tokens and owner API calls with odd ids and bodies. Whatever comes in:
 * never a 5xx, every 4xx a JSON `{error, details}`, nothing stored by a refused request, and a
 * stored row is always whole.
 */
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeServer } from '../../src/http/node-server.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

const SHOPIFY_SECRET = 'shpss_fuzz_secret_0123456789';
const RUNS = process.env.CR_SOAK === '1' ? 3000 : 300;

let rt: ReturnType<typeof openTestRuntime>;
beforeAll(async () => {
  // Never a crash here, so fsync buys nothing but time.
  rt = openTestRuntime({ CR_SHOPIFY_SECRET: SHOPIFY_SECRET, CR_SQLITE_SYNC: 'OFF' });
  await rt.post(cartEvent({ id: 'evt_seed', occurredAt: new Date(rt.clock.now()).toISOString() }));
});
afterAll(async () => {
  await rt.shutdown();
});

function counts() {
  const n = (table: string) =>
    (rt.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    carts: n('carts'),
    events: n('events'),
    audit: n('audit'),
    unsubscribes: n('unsubscribes'),
  };
}

/** Every cart row parses, is versioned, and holds no header-breaking email. */
function rowsAreWhole() {
  const rows = rt.db.prepare('SELECT id, version, data FROM carts').all() as Array<{
    id: string;
    version: number;
    data: string;
  }>;
  for (const row of rows) {
    const cart = JSON.parse(row.data) as { id: string; email: string | null };
    expect(cart.id).toBe(row.id);
    expect(row.version).toBeGreaterThanOrEqual(1);
    if (cart.email !== null) expect(cart.email).not.toMatch(/[\r\n\0]/);
  }
}

/** The universal answer rules; a refused request leaves every table as it was. */
async function judge(send: () => Response | Promise<Response>): Promise<number> {
  const before = counts();
  const res = await send();
  const text = await res.text();
  expect(res.status, text.slice(0, 300)).toBeLessThan(500);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error?: unknown; details?: unknown };
    expect(typeof body.error, text.slice(0, 300)).toBe('string');
    expect(Array.isArray(body.details), text.slice(0, 300)).toBe(true);
    expect(counts()).toEqual(before);
  }
  rowsAreWhole();
  return res.status;
}

const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\ud800',
    'a\udfffb',
    '\u202eevil\u202c',
    'zero\u200bwidth',
    '\ufeffbom',
    '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    'a'.repeat(5000),
    '=HYPERLINK("http://evil")',
    '<script>alert(1)</script>',
    '',
    ' ',
  ),
);
const hostileEmail = fc.oneof(
  fc.constantFrom(
    'sam@example.com\r\nBcc: victim@example.com',
    'sam@example.com\nSubject: hi',
    'sam@example.com%0d%0aBcc:x@y.z',
    'sam\r@example.com',
    'sam@exa\u0000mple.com',
    '"sam\r\n"@example.com',
    'sam@example.com\u2028Bcc: x@y.z',
    'ﬁ@example.com',
    `${'a'.repeat(300)}@example.com`,
  ),
  oddText,
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue(),
  oddText,
  hostileEmail,
  fc.array(fc.integer(), { maxLength: 2000 }),
  fc.constantFrom(null, -1, 1e308, 0.1, Number.MAX_SAFE_INTEGER + 2, true, {}, []),
);

/** A valid event with one field swapped for something hostile (wrong type, odd text, huge). */
const mutatedEvent = fc
  .tuple(
    fc.constantFrom(
      'id',
      'type',
      'occurredAt',
      'orderId',
      'cart',
      'cart.id',
      'cart.email',
      'cart.currency',
      'cart.total',
      'cart.items',
      'cart.timezone',
      'cart.restoreUrl',
      'cart.consent',
      'cart.savedLink',
      'cart.items.0',
      'cart.items.0.name',
      'cart.items.0.price',
      'cart.items.0.quantity',
      'cart.items.0.url',
      'extra',
    ),
    fc.oneof(anyValue, hostileEmail),
    fc.nat(),
  )
  .map(([path, value, n]) => {
    const event = cartEvent({
      id: `evt_fz_${n}`,
      occurredAt: new Date(Date.parse('2026-11-23T10:00:00Z') - (n % 1000)).toISOString(),
      cart: { id: `c_fz_${n % 50}` },
    });
    const keys = path.split('.');
    let target = event as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[keys.at(-1) ?? 'id'] = value;
    return JSON.stringify(event);
  });

const rawBody = fc.oneof(
  mutatedEvent,
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '['.repeat(10_000),
    `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`,
    '{"id": "evt_1", "id": "evt_2"}',
    '{"__proto__": {"polluted": true}, "id": "x"}',
    '{"constructor": {"prototype": {"polluted": true}}}',
    JSON.stringify({ ...cartEvent({ id: 'evt_big' }), pad: 'x'.repeat(70_000) }),
    JSON.stringify(
      cartEvent({ id: 'evt_many', cart: { items: Array(20_000).fill({ sku: 'A' }) } }),
    ),
    'null',
    '',
  ),
);

describe('POST /events (signed, so every body reaches validation)', () => {
  it('answers hostile bodies with 4xx JSON or a whole stored row, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        rawBody,
        fc.constantFrom('application/json', 'text/plain', 'application/vnd.x+json'),
        async (body, type) => {
          const status = await judge(() =>
            rt.app.request(
              '/events',
              signedRequest(RT_SECRET, body, rt.clock.now(), { 'content-type': type }),
            ),
          );
          // Header injection never gets in: an accepted event's email has no line break.
          if (status === 200) expect(body).not.toMatch(/"email":"[^"]*\\[rn]/);
          expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('holds the same rules on the Node fast path of a real socket', async () => {
    const server = createNodeServer(rt.app, rt.handleEvent);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    try {
      await fc.assert(
        fc.asyncProperty(rawBody, async (body) => {
          await judge(() =>
            fetch(
              `http://127.0.0.1:${port}/events`,
              signedRequest(RT_SECRET, body, rt.clock.now()),
            ),
          );
        }),
        { numRuns: 100 },
      );
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});

describe('POST /webhooks/shopify (signed)', () => {
  it('never 5xx, never a partial row', async () => {
    const topic = fc.oneof(
      fc.constantFrom('checkouts/create', 'checkouts/update', 'orders/create', 'orders/paid'),
      fc.string({ maxLength: 20 }),
    );
    const body = fc.oneof(
      rawBody,
      fc
        .record(
          {
            id: anyValue,
            token: anyValue,
            email: hostileEmail,
            line_items: fc.oneof(
              anyValue,
              fc.array(fc.record({ title: oddText, price: anyValue, quantity: anyValue })),
            ),
            total_price: anyValue,
            currency: anyValue,
            updated_at: anyValue,
            abandoned_checkout_url: anyValue,
          },
          { requiredKeys: [] },
        )
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(
        topic,
        body,
        fc.option(fc.string({ maxLength: 60 })),
        async (t, raw, eventId) => {
          const hmac = createHmac('sha256', SHOPIFY_SECRET).update(raw).digest('base64');
          await judge(() =>
            rt.app.request('/webhooks/shopify', {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                'x-shopify-hmac-sha256': hmac,
                'x-shopify-topic': t.replace(/[^\x20-\x7e]/g, ''),
                ...(eventId === null
                  ? {}
                  : { 'x-shopify-event-id': eventId.replace(/[^\x20-\x7e]/g, '') }),
              },
              body: raw,
            }),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** Percent-encodes any string, lone surrogates included (as the bytes a browser would send). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text, 'utf8')]
      .map((b) => `%${b.toString(16).padStart(2, '0')}`)
      .join('');
  }
}

const token = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc
    .tuple(fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 60 }))
    .map(([a, b]) => `${a}.${b}`),
  fc
    .jsonValue()
    .map((v) => `${Buffer.from(JSON.stringify(v)).toString('base64url')}.${'A'.repeat(43)}`),
  fc.constantFrom('.', '..', '%00', 'a'.repeat(100_000), '\ud800.\udc00'),
);

describe('shopper links with random tokens', () => {
  it('are 4xx JSON and change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/unsubscribe', '/resubscribe', '/c'),
        fc.constantFrom('GET', 'POST'),
        fc.oneof(
          token.map((t) => ({ t, raw: false })),
          fc
            .constantFrom('%', '%ff%fe', '%ED%A0%80.%ED%B0%80', 'a%2', '%00', 'x&t=y', '%E2%80%AE')
            .map((t) => ({ t, raw: true })),
        ),
        async (path, method, { t, raw }) => {
          const status = await judge(() =>
            rt.app.request(`${path}?t=${raw ? t : encode(t)}`, {
              method,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}),
            }),
          );
          expect(status).toBeGreaterThanOrEqual(400);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

const cartIdish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }).map(encode),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '..%2f..%2fevents',
    '%2e%2e',
    '%2e%2e%2f%2e%2e%2fowner%2fapi%2funsubscribe',
    '..',
    'c_42%00',
    'c_42%00.json',
    'a'.repeat(5000),
    '%E2%80%AEc_42',
    'c_42%0d%0aX-Injected:1',
    '%ff%fe',
    'c_42',
  ),
);

describe('owner API with odd ids and bodies', () => {
  const auth = { authorization: `Bearer ${RT_OWNER}`, 'content-type': 'application/json' };
  it('never 5xx; refused calls change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('suppress', 'write-off', 'get', 'unsubscribe'),
        cartIdish,
        fc.oneof(
          rawBody,
          anyValue.map((v) => JSON.stringify({ reason: v })),
          hostileEmail.map((e) => JSON.stringify({ email: e })),
        ),
        async (action, id, body) => {
          const send = () => {
            switch (action) {
              case 'get':
                return rt.app.request(`/owner/api/carts/${id}`, { headers: auth });
              case 'unsubscribe':
                return rt.app.request('/owner/api/unsubscribe', {
                  method: 'POST',
                  headers: auth,
                  body,
                });
              default:
                return rt.app.request(`/owner/api/carts/${id}/${action}`, {
                  method: 'POST',
                  headers: auth,
                  body,
                });
            }
          };
          const status = await judge(send);
          if (action === 'unsubscribe' && status === 200) {
            const rows = rt.db.prepare('SELECT email FROM unsubscribes').all() as Array<{
              email: string;
            }>;
            for (const row of rows) expect(row.email).not.toMatch(/[\r\n\0]/);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
