import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signStripePayload } from '../../src/platforms/stripe/signature.ts';
import { openPlatformRuntime, type TestRuntime } from './platform-route.ts';
import { type StripeStandIn, startStripeStandIn } from './stripe-standin.ts';

const SECRET = 'whsec_route_test_9Xq2Lm7Pz4';
const KEY = 'rk_live_51QbT_readonly_sessions';
const A = 'stripe_cs_live_a1Qm7Zt3Kd9Xw2Lp5Rv8Bn4Hc6Jf0Gy1Ue3Ti7Oa9Ps2Dk5Lm';
const H = 3_600_000;
const fixture = (name: string) => readFileSync(`test/fixtures/stripe/${name}.json`, 'utf8');

let rt: TestRuntime | undefined;
let standIn: StripeStandIn | undefined;
let deliverTo: ReturnType<typeof openPlatformRuntime>['deliver'];
afterEach(async () => {
  await rt?.shutdown();
  await standIn?.close();
  vi.unstubAllGlobals();
  rt = undefined;
  standIn = undefined;
});

// The fixtures' sessions expire at 13:00 and the recovered one is bought at 15:10 (UTC).
async function open(
  env: Record<string, string> = { CR_STRIPE_SECRET: SECRET },
  start = '2026-11-23T15:15:00Z',
) {
  standIn = await startStripeStandIn(KEY);
  // The runtime's platforms call the global fetch: Stripe's API is the stand-in here.
  vi.stubGlobal('fetch', standIn.fetch);
  const opened = openPlatformRuntime(env, Date.parse(start));
  rt = opened.rt;
  deliverTo = opened.deliver;
  return opened.rt;
}
function deliver(name: string, secret = SECRET, body = fixture(name)) {
  const t = Math.floor((rt?.clock.now() ?? 0) / 1000);
  return deliverTo('/webhooks/stripe', body, {
    'content-type': 'application/json; charset=utf-8',
    'stripe-signature': signStripePayload(secret, body, t),
  });
}

describe('POST /webhooks/stripe', () => {
  it('answers 404 when CR_STRIPE_SECRET is not set', async () => {
    await open({});
    expect((await deliver('session-expired')).status).toBe(404);
  });

  it('an expired session is an abandoned cart that gets a reminder, its lines fetched with the key', async () => {
    const r = await open(
      { CR_STRIPE_SECRET: SECRET, CR_STRIPE_API_KEY: KEY },
      '2026-11-23T13:01:00Z',
    );
    expect(await deliver('session-expired')).toEqual({
      status: 200,
      json: { cart: { id: A, status: 'open' }, duplicate: false },
    });
    expect(await r.store.get(A)).toMatchObject({
      email: 'dana.whitfield@example.com',
      currency: 'USD',
      totalMinor: 8450,
      restoreUrl: 'https://buy.stripe.com/r/live_YWNjdF8xUGZrM2xLcTRtUjdxOTJU',
      consent: true,
    });
    expect((await r.store.get(A))?.items.map((i) => i.name)).toEqual([
      'Sencha Kabusecha 100 g',
      'Cast-iron tetsubin, 0.6 l',
      'Bamboo tea scoop',
    ]);
    await r.advance(2 * H, 10 * 60_000);
    expect(r.mailer.sent.map((m) => m.to)).toEqual(['dana.whitfield@example.com']);
  });

  it('without a recovery link the cart is kept but never mailed', async () => {
    const r = await open(undefined, '2026-11-23T13:01:00Z');
    await deliver('session-expired-no-recovery');
    expect((await r.store.get(A))?.restoreUrl).toBeNull();
    await r.advance(4 * H, 10 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });

  it('a completed session is a purchase', async () => {
    const r = await open(undefined, '2026-11-23T12:41:00Z');
    const answer = await deliver('session-completed');
    expect(answer.json).toEqual({ cart: { id: A, status: 'bought' }, duplicate: false });
    expect((await r.store.get(A))?.orderId).toBe(A.slice('stripe_'.length));
  });

  it('a purchase through the recovery link buys the abandoned cart: no more reminders', async () => {
    const r = await open(undefined, '2026-11-23T13:01:00Z');
    await deliver('session-expired');
    // The first reminder goes at 14:00; the shopper follows its link and pays at 15:10.
    await r.advance(Date.parse('2026-11-23T15:11:00Z') - r.clock.now(), 10 * 60_000);
    expect(r.mailer.sent).toHaveLength(1);
    const bought = await deliver('session-completed-recovered');
    expect(bought.json).toEqual({ cart: { id: A, status: 'bought' }, duplicate: false });
    expect((await r.store.get(A))?.recoveredAt).toBe(Date.parse('2026-11-23T15:10:00Z'));
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toHaveLength(1);
  });

  it('purchase first, then the late expiry of the session it recovered: the cart stays bought, unmailed', async () => {
    const r = await open();
    await deliver('session-completed-recovered');
    const late = await deliver('session-expired');
    expect(late.status).toBe(200);
    expect((late.json.cart as { status: string }).status).toBe('bought');
    await r.advance(96 * H, 30 * 60_000);
    expect(r.mailer.sent).toEqual([]);
  });

  it('a repeated delivery is a duplicate', async () => {
    await open();
    await deliver('session-completed-recovered');
    expect((await deliver('session-completed-recovered')).json.duplicate).toBe(true);
  });

  it('a wrong signature is 401 and stores nothing', async () => {
    const r = await open();
    const answer = await deliver('session-expired', 'whsec_someone_else');
    expect(answer.status).toBe(401);
    expect(await r.store.get(A)).toBeNull();
  });

  it('an event type we do not use is acknowledged and ignored', async () => {
    await open();
    expect(await deliver('payment-intent-succeeded')).toEqual({
      status: 200,
      json: { ignored: true, reason: 'event type "payment_intent.succeeded" is not one we use' },
    });
  });

  it('with CR_STORE_HOSTS the recovery link must be on a listed host, or the cart keeps none', async () => {
    const r = await open({ CR_STRIPE_SECRET: SECRET, CR_STORE_HOSTS: 'tea-corner.example' });
    await deliver('session-expired');
    expect((await r.store.get(A))?.restoreUrl).toBeNull();
    await r.shutdown();
    await standIn?.close();
    const listed = await open({ CR_STRIPE_SECRET: SECRET, CR_STORE_HOSTS: 'buy.stripe.com' });
    await deliver('session-expired');
    expect((await listed.store.get(A))?.restoreUrl).toMatch(/^https:\/\/buy\.stripe\.com\/r\//);
  });

  it('a signed body that is not JSON is 415, a session it cannot trust 400 naming the field', async () => {
    await open();
    expect((await deliver('x', SECRET, 'not json')).status).toBe(415);
    const bad = JSON.parse(fixture('session-expired'));
    bad.data.object.amount_total = -5;
    const answer = await deliver('x', SECRET, JSON.stringify(bad));
    expect(answer.status).toBe(400);
    expect(answer.json.details).toEqual([
      { path: 'data.object.amount_total', problem: expect.any(String) },
    ]);
  });
});
