/**
 * The generic webhook route's own promises, beyond what Shopify and the toy platform show: a
 * delivery may map to several events (each stored, in order; the answer is the last cart), the
 * mapping may be asynchronous (a platform that calls its API), the delivery carries the Clock
 * port's time, and the lane is built once with its settings.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventType } from '../../src/domain/events.ts';
import type {
  PlatformDelivery,
  PlatformOptions,
  StorePlatform,
} from '../../src/platforms/platform.ts';
import { registerPlatform } from '../../src/platforms/registry.ts';
import { openTestRuntime } from '../support/runtime.ts';

const created: PlatformOptions[] = [];
const seen: PlatformDelivery[] = [];

const cart = (id: string) => ({
  id,
  email: 'sam@example.com',
  currency: 'USD',
  totalMinor: 1000,
  items: [{ sku: 's', name: 'Soap', quantity: 1, priceMinor: 1000, url: null, imageUrl: null }],
  restoreUrl: `https://shop.example/c/${id}`,
  savedLink: false,
  timezone: null,
  consent: true,
});

/** Trusts every delivery; `{"pairs":["a","b"]}` becomes one open cart per name. */
const pairs: StorePlatform = {
  name: 'pairs',
  title: 'Pairs',
  route: '/webhooks/pairs',
  maxBodyBytes: 1024,
  secretVariable: 'CR_PAIRS_SECRET',
  eventIdPath: 'pairs',
  settings: [{ variable: 'CR_PAIRS_MODE', doc: 'mode', secret: false }],
  create(options) {
    created.push(options);
    return {
      verify: () => ({ ok: true }),
      async map(delivery) {
        seen.push(delivery);
        // As a platform that must ask its API would: the answer comes later.
        await new Promise((resolve) => setImmediate(resolve));
        const names = (delivery.json() as { pairs: string[] }).pairs;
        return {
          kind: 'events',
          events: names.map((name) => ({
            id: `pairs_${name}`,
            type: EventType.updated,
            occurredAt: delivery.receivedAt - 60_000,
            orderId: null,
            cart: cart(`pairs_${name}`),
          })),
        };
      },
    };
  },
};

let unregister: () => void;
beforeAll(() => {
  unregister = registerPlatform(pairs);
});
afterAll(() => unregister());

let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

const post = (body: string, contentType = 'application/json') =>
  rt.app.request('/webhooks/pairs', {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

describe('the generic platform route', () => {
  it('stores every event of one delivery in order and answers with the last cart', async () => {
    rt = openTestRuntime({ CR_PAIRS_SECRET: 's1', CR_PAIRS_MODE: 'fast' });
    const res = await post('{"pairs":["a","b"]}');
    expect(await res.json()).toEqual({
      cart: { id: 'pairs_b', status: 'open' },
      duplicate: false,
    });
    expect(await rt.store.get('pairs_a')).not.toBeNull();
    expect(await rt.store.get('pairs_b')).not.toBeNull();
    expect(seen.at(-1)?.receivedAt).toBe(rt.clock.now());
  });

  it('acknowledges a delivery that maps to no events', async () => {
    rt = openTestRuntime({ CR_PAIRS_SECRET: 's1' });
    const res = await post('{"pairs":[]}');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: true, reason: 'no events' });
  });

  it('answers 415 as POST /events does when the body is not JSON', async () => {
    rt = openTestRuntime({ CR_PAIRS_SECRET: 's1' });
    const wrongType = await post('{"pairs":[]}', 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toEqual({
      error: 'body must be JSON (Content-Type: application/json)',
      details: [{ path: '(headers).content-type', problem: 'got text/plain' }],
    });
    const broken = await post('{"pairs":');
    expect(broken.status).toBe(415);
    expect(((await broken.json()) as { error: string }).error).toBe('body is not valid JSON');
  });

  it('builds the lane once, with its secrets and settings', async () => {
    created.length = 0;
    rt = openTestRuntime({ CR_PAIRS_SECRET: 's1, s2', CR_PAIRS_MODE: 'fast' });
    await post('{"pairs":["a"]}');
    await post('{"pairs":["b"]}');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      secrets: ['s1', 's2'],
      settings: { CR_PAIRS_MODE: 'fast' },
    });
  });
});
