/**
 * The proof that adding a store platform costs one folder: the toy platform (toy-platform.ts)
 * is registered here at test time, touching nothing else, and is then served end to end by the
 * real local runtime: config reads its secret and setting, the generic route verifies and maps its
 * webhooks, intake stores the cart, the reminder goes out, the purchase stops it, and its
 * metrics have their own lane.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { platformSecretsOnAws } from '../../../src/lambda/aws-platforms.ts';
import { PLATFORMS, registerPlatform } from '../../../src/platforms/registry.ts';
import { platformSecretFields } from '../../../src/platforms/secret-fields.ts';
import { openTestRuntime } from '../../support/runtime.ts';
import { signToy, TOY_MAX_BODY, toyPlatform } from './toy-platform.ts';

const OLD = 'toy_secret_old_0123456789';
const NEW = 'toy_secret_new_0123456789';
const H = 3_600_000;
const METRICS = 'metrics_token_0123456789';

let unregister: () => void;
beforeAll(() => {
  unregister = registerPlatform(toyPlatform);
});
afterAll(() => unregister());

let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

function open(env: Record<string, string> = {}) {
  rt = openTestRuntime({ CR_TOY_SECRET: `${OLD}, ${NEW}`, CR_METRICS_TOKEN: METRICS, ...env });
  return rt;
}

async function deliver(body: unknown, secret = NEW) {
  const text = JSON.stringify(body);
  const res = await rt.app.request('/webhooks/toy', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-toy-signature': signToy(text, secret) },
    body: text,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const abandoned = (over: Record<string, unknown> = {}) => ({
  id: 'e1',
  kind: 'abandoned',
  at: new Date(rt.clock.now() - 60_000).toISOString(),
  cart: { id: 'c1', email: 'sam@example.com', cents: 4200 },
  ...over,
});

describe('a platform added as one folder', () => {
  it('is in the registry only while registered', () => {
    expect(PLATFORMS.map((p) => p.name)).toContain('toy');
    expect(() => registerPlatform(toyPlatform)).toThrow(/clashes with "toy"/);
  });

  it('answers 404 until its secret is configured', async () => {
    rt = openTestRuntime();
    const res = await rt.app.request('/webhooks/toy', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      error: 'Toy webhooks are not enabled (set CR_TOY_SECRET)',
    });
  });

  it('stores a signed abandonment with its setting, mails it, and a purchase stops the rest', async () => {
    open({ CR_TOY_CURRENCY: 'EUR' });
    const stored = await deliver(abandoned());
    expect(stored).toEqual({
      status: 200,
      json: { cart: { id: 'toy_c1', status: 'open' }, duplicate: false },
    });
    expect(await rt.store.get('toy_c1')).toMatchObject({ currency: 'EUR', totalMinor: 4200 });
    await rt.advance(2 * H);
    expect(rt.mailer.sent.map((mail) => mail.to)).toEqual(['sam@example.com']);
    const bought = await deliver(
      abandoned({ id: 'e2', kind: 'bought', at: new Date(rt.clock.now()).toISOString() }),
    );
    expect(bought.json).toEqual({ cart: { id: 'toy_c1', status: 'bought' }, duplicate: false });
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(1);
  });

  it('verifies with every listed secret (a rotation) and refuses any other with 401', async () => {
    open();
    expect((await deliver(abandoned(), OLD)).status).toBe(200);
    const bad = await deliver(abandoned({ id: 'e9' }), 'someone_else_0123456789');
    expect(bad.status).toBe(401);
    expect(bad.json.details).toEqual([
      { path: '(headers).x-toy-signature', problem: 'does not match' },
    ]);
  });

  it('acknowledges what it ignores, names what is invalid, and refuses more than its limit', async () => {
    open();
    expect(await deliver({ kind: 'ping' })).toEqual({
      status: 200,
      json: { ignored: true, reason: 'ping' },
    });
    const invalid = await deliver({ id: 'e1', kind: 'abandoned', at: '2026-11-23T09:00:00Z' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toBe('invalid Toy webhook');
    const big = await deliver(abandoned({ padding: 'x'.repeat(TOY_MAX_BODY) }));
    expect(big.status).toBe(413);
    expect(await rt.store.get('toy_c1')).toBeNull();
  });

  it('a repeated delivery is a duplicate, and its id reused for another cart is a 409', async () => {
    open();
    await deliver(abandoned());
    expect((await deliver(abandoned())).json.duplicate).toBe(true);
    const reused = await deliver(abandoned({ cart: { id: 'c2', email: 'kim@example.com' } }));
    expect(reused.status).toBe(409);
    expect(reused.json.details).toEqual([
      { path: 'id', problem: 'was first seen for another cart' },
    ]);
  });

  it('counts its events under its own lane', async () => {
    open();
    await deliver(abandoned());
    await deliver(abandoned({ id: 'e9' }), 'someone_else_0123456789');
    const res = await rt.app.request('/metrics', {
      headers: { authorization: `Bearer ${METRICS}` },
    });
    const text = await res.text();
    expect(text).toMatch(/cart_recovery_events_accepted_total\{lane="toy"\} 1/);
    expect(text).toMatch(
      /cart_recovery_events_rejected_total\{lane="toy",reason="unauthorized"\} 1/,
    );
  });

  it('on AWS, its secret is its field of the one JSON secret, listed for the stack', async () => {
    expect(platformSecretFields()).toContainEqual({ field: 'toy', variable: 'CR_TOY_SECRET' });
    const asked: string[] = [];
    const read = await platformSecretsOnAws(
      { platformSecrets: { toy: [] }, platformSettings: { toy: { CR_TOY_CURRENCY: 'EUR' } } },
      {
        async platformSecret({ field }) {
          asked.push(field);
          return field === 'toy' ? `${OLD},${NEW}` : undefined;
        },
      },
    );
    expect(read.platforms.toy).toEqual([OLD, NEW]);
    expect(read.platformSettings.toy).toEqual({ CR_TOY_CURRENCY: 'EUR' });
    expect(asked).toContain('toy');
  });
});
