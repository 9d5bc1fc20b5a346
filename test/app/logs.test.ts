/**
 * The log lines an operator reads (issue 14): one per rejected event, stop and sender-health
 * change, JSON with a level, and never a shopper's address, items or body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPinoLog } from '../../src/adapters/pino/pino-log.ts';
import { BlockKind } from '../../src/domain/address.ts';
import { observeEvents } from '../../src/http/event-outcomes.ts';
import { MailDeliveryError, type Mailer } from '../../src/ports/mailer.ts';
import { RT_OWNER } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';
import { type LogLine, openObservedRuntime } from './observed-runtime.ts';

const H = 3_600_000;
const SHOPPER = 'sam@example.com';
let rt: ReturnType<typeof openObservedRuntime> | undefined;
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

const named = (lines: LogLine[], event: string) => lines.filter((l) => l.event === event);

describe('rejected events', () => {
  it('one warn line per refusal: lane, status, reason, field paths, cart id; no address, item or body', async () => {
    rt = openObservedRuntime();
    const bad = cartEvent({ cart: { total: 'lots' } });
    expect((await rt.post(bad)).status).toBe(400);
    expect((await rt.post(cartEvent(), 'whsec_not_the_secret_0123')).status).toBe(401);

    const lines = named(rt.lines(), 'event.rejected');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        lane: 'events',
        status: 400,
        reason: 'invalid',
        fields: 'cart.total',
        cartId: 'c_42',
      }),
      // Unsigned, so nothing in the body is believed, not even its cart id.
      expect.objectContaining({
        lane: 'events',
        status: 401,
        reason: 'unauthorized',
        cartId: null,
      }),
    ]);
    const text = rt.raw.join('');
    for (const secretOrShopperData of [SHOPPER, 'Linen shirt', 'SHIRT-L', 'lots', 'evt_01']) {
      expect(text).not.toContain(secretOrShopperData);
    }
    expect(lines[0]?.time).toBe('2026-11-23T10:00:00.000Z');
  });

  it('the Shopify and snippet lanes say which lane refused', async () => {
    rt = openObservedRuntime({ env: { CR_SHOPIFY_SECRET: 'shpss_test_secret_0123456789' } });
    const shopify = await rt.app.request('/webhooks/shopify', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': 'bm9wZQ==' },
      body: JSON.stringify({ email: SHOPPER }),
    });
    expect(shopify.status).toBe(401);
    const snippet = await rt.app.request('/snippet/events', { method: 'POST', body: '{}' });
    expect(snippet.status).toBe(404);
    expect(named(rt.lines(), 'event.rejected').map((l) => [l.lane, l.reason])).toEqual([
      ['shopify', 'unauthorized'],
      ['snippet', 'disabled'],
    ]);
    expect(rt.raw.join('')).not.toContain(SHOPPER);
  });
});

describe('stops', () => {
  it('a line per checkout, suppress, write-off and unsubscribe: cart id, kind and actor only', async () => {
    rt = openObservedRuntime();
    const event = (id: string, cart: string, email: string) =>
      cartEvent({ id, occurredAt: '2026-11-23T10:00:00Z', cart: { id: cart, email } });
    for (const [id, cart, email] of [
      ['e1', 'c_1', 'a@example.com'],
      ['e2', 'c_2', 'b@example.com'],
      ['e3', 'c_3', 'c@example.com'],
    ] as const) {
      expect((await rt.post(event(id, cart, email))).status).toBe(200);
    }
    await rt.post(cartEvent({ id: 'e4', type: 'cart.checked_out', cart: { id: 'c_1' } }));
    await rt.stops.suppress('c_2', 'sam');
    await rt.stops.writeOff('c_3', 'sam', 'test order');
    await rt.stops.unsubscribe('c@example.com', 'sam');
    await rt.stops.unsubscribe('c@example.com', 'sam'); // already: nothing new to say

    expect(
      named(rt.lines(), 'cart.stopped').map(({ cartId, kind, actor }) => ({ cartId, kind, actor })),
    ).toEqual([
      { cartId: 'c_1', kind: 'checkout', actor: 'system' },
      { cartId: 'c_2', kind: 'suppress', actor: 'sam' },
      { cartId: 'c_3', kind: 'write_off', actor: 'sam' },
      { cartId: null, kind: 'unsubscribe', actor: 'sam' },
    ]);
    expect(rt.raw.join('')).not.toMatch(/[abc]@example\.com|test order/);
  });
});

describe('send failures and sender health', () => {
  it('a message that cannot be built is tried once, not bounced, and logged as permanent', async () => {
    let attempts = 0;
    const unsendable: Mailer = {
      async send() {
        attempts++;
        throw new MailDeliveryError(`cannot send: "To" ${SHOPPER} is not one address`, {
          permanent: true,
          kind: 'invalid',
        });
      },
    };
    rt = openObservedRuntime({ mailer: () => unsendable });
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(8 * 24 * H, 30 * 60_000);
    expect(attempts).toBe(1);
    expect(await rt.unsubscribes.get(SHOPPER)).toBeNull();
    const [line] = named(rt.lines(), 'reminder.send_failed');
    expect(line).toMatchObject({ permanent: true, kind: 'invalid', code: null, retryAt: null });
    expect(line?.reason).toBe('cannot send: "To" [address] is not one address');
    expect(rt.raw.join('')).not.toContain(SHOPPER);
    expect((await rt.store.get('c_42'))?.closedReason).toBe('expired');
  });

  it('a line when the sender goes on hold, and one when an owner clears it', async () => {
    rt = openObservedRuntime();
    for (let i = 0; i < 10; i++) {
      const at = rt.clock.now();
      const email = `b${i}@example.com`;
      await rt.unsubscribes.add(
        { email, kind: BlockKind.bounced, at, actor: 'system' },
        {
          ...{ cartId: null, email, action: 'bounced', actor: 'system', at },
          ...{ reason: null, detail: null, before: null, after: null },
        },
      );
    }
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(2 * H);
    await rt.app.request('/owner/api/sender-health/clear', {
      method: 'POST',
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    const changes = named(rt.lines(), 'sender_health.changed');
    expect(
      changes.map(({ level, lane, from, to, reason }) => ({ level, lane, from, to, reason })),
    ).toEqual([
      { level: 'warn', lane: 'signed', from: 'ok', to: 'hold', reason: 'bounce_rate' },
      { level: 'info', lane: 'signed', from: 'hold', to: 'ok', reason: null },
    ]);
    expect(changes[0]?.bounceRate).toBeGreaterThanOrEqual(0.04);
  });
});

describe('a disk that cannot take the write', () => {
  it('is a refusal with reason unavailable (503), not a fault', () => {
    const raw: string[] = [];
    const log = createPinoLog({
      level: 'info',
      destination: { write: (l: string) => raw.push(l) },
    });
    const observe = observeEvents('events', { log });
    observe.rejected(
      Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
      'c_42',
    );
    observe.rejected(new Error('a bug'), 'c_43');
    expect(raw.map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({
        level: 'warn',
        event: 'event.rejected',
        status: 503,
        reason: 'unavailable',
        cartId: 'c_42',
      }),
      expect.objectContaining({
        level: 'error',
        event: 'event.failed',
        error: 'a bug',
        cartId: 'c_43',
      }),
    ]);
  });
});
