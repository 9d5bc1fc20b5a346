/**
 * The security promises (SPEC sections 1, 4, 6): owner routes need a named token, shopper links
 * cannot be forged, altered or repurposed, a webhook signature cannot be replayed, a GET never
 * unsubscribes, and secrets never reach the logs.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLinkSigner, restoreTarget } from '../../src/domain/link-tokens.ts';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { freePort, startServe, stopServe } from '../support/serve-child.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

type Runtime = ReturnType<typeof openTestRuntime>;
let rt: Runtime;
const EMAIL = 'sam@example.com';

beforeAll(async () => {
  rt = openTestRuntime();
  await rt.post(cartEvent({ id: 'evt_1', occurredAt: new Date(rt.clock.now()).toISOString() }));
  await rt.advance(61 * 60_000);
  expect(rt.mailer.sent).toHaveLength(1);
});
afterAll(async () => {
  await rt.shutdown();
});

/** Everything a forged request could have changed. */
async function snapshot() {
  return {
    cart: await rt.store.get('c_42'),
    audit: (await rt.store.auditFor('c_42')).length,
    emailAudit: (await rt.store.auditForEmail(EMAIL)).length,
    block: await rt.unsubscribes.get(EMAIL),
  };
}

async function expectError(res: Response, status: number) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error?: unknown; details?: unknown };
  expect(typeof body.error).toBe('string');
  expect(Array.isArray(body.details)).toBe(true);
}

const OWNER_ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/owner/api/carts'],
  ['GET', '/owner/api/carts?day=2026-11-23'],
  ['GET', '/owner/api/carts/c_42'],
  ['POST', '/owner/api/carts/c_42/suppress', {}],
  ['POST', '/owner/api/carts/c_42/write-off', { reason: 'fraud' }],
  ['POST', '/owner/api/unsubscribe', { email: EMAIL }],
  ['GET', '/owner/api/sender-health'],
  ['POST', '/owner/api/sender-health/clear', {}],
  ['GET', '/owner/api/summary?month=2026-11'],
];

const BAD_AUTH: Array<Record<string, string>> = [
  {},
  { authorization: '' },
  { authorization: 'Bearer' },
  { authorization: 'Bearer ' },
  { authorization: `Basic ${Buffer.from(`sam:${RT_OWNER}`).toString('base64')}` },
  { authorization: `Bearer ${RT_OWNER.slice(0, -1)}` },
  { authorization: `Bearer ${RT_OWNER}x` },
  { authorization: `Bearer ${RT_OWNER.slice(0, -1)}${RT_OWNER.endsWith('9') ? '8' : '9'}` },
  { authorization: `Bearer ${RT_OWNER.toUpperCase()}` },
  { authorization: `Bearer ${'a'.repeat(10_000)}` },
  { authorization: `Bearer ${RT_SECRET}` },
  { authorization: `Bearer ${RT_OWNER} ${RT_OWNER}` },
];

describe('owner API', () => {
  it('answers 401 to every route without a valid token, and changes nothing', async () => {
    const before = await snapshot();
    // Each try from its own client address: repeated wrong tokens from one address are throttled
    // (429, test/security/owner-sessions.test.ts), and this is about what one wrong token gets.
    let client = 0;
    for (const [method, path, body] of OWNER_ROUTES) {
      for (const headers of BAD_AUTH) {
        const remoteAddress = `198.18.${Math.floor(client / 250)}.${(client++ % 250) + 1}`;
        const res = await rt.app.request(
          path,
          {
            method,
            headers: { ...headers, 'content-type': 'application/json' },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          },
          { incoming: { socket: { remoteAddress } } },
        );
        expect(res.status, `${method} ${path} ${JSON.stringify(headers).slice(0, 60)}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        const answer = (await res.json()) as { error: string; details: unknown[] };
        expect(answer.error).toBe('unauthorized');
        expect(JSON.stringify(answer)).not.toContain(RT_OWNER);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('lets the right token in (so the 401s above are about the token)', async () => {
    const res = await rt.app.request('/owner/api/carts/c_42', {
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    expect(res.status).toBe(200);
  });
});

describe('shopper links', () => {
  const mailLink = (header: string) => {
    const raw = rt.mailer.sent[0]?.headers[header] ?? '';
    const url = new URL(raw.replace(/^<|>$/g, ''));
    return url.searchParams.get('t') ?? '';
  };
  const clickToken = () =>
    rt.links.sign({
      purpose: 'click',
      cartId: 'c_42',
      step: 1,
      target: restoreTarget('https://shop.example/cart/c_42'),
    });

  function forgeries(): Array<[string, string]> {
    const real = mailLink('List-Unsubscribe');
    const [body = '', sig = ''] = real.split('.');
    const other = createLinkSigner('another-secret-0123456789abcdef');
    const payload = (p: unknown) => Buffer.from(JSON.stringify(p)).toString('base64url');
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const bodyFor = payload({ p: 'u', e: 'victim@example.com', c: 'c_42' });
    return [
      ['empty', ''],
      ['no signature', body],
      ['altered body', `${flip(body, 3)}.${sig}`],
      ['altered signature', `${body}.${flip(sig, 5)}`],
      ['truncated signature', `${body}.${sig.slice(0, -2)}`],
      ['another address, old signature', `${bodyFor}.${sig}`],
      [
        'signed with another secret',
        other.sign({ purpose: 'unsubscribe', email: EMAIL, cartId: 'c_42' }),
      ],
      ['a click token', clickToken()],
      ['a resubscribe token', rt.links.sign({ purpose: 'resubscribe', email: EMAIL })],
      [
        'raw HMAC of the body with the webhook secret',
        `${body}.${createHmac('sha256', RT_SECRET).update(body).digest('base64url')}`,
      ],
      ['padded base64', `${body}==.${sig}`],
      ['three parts', `${body}.${sig}.${sig}`],
      ['very long', `${body}.${'A'.repeat(5000)}`],
    ];
  }

  it('refuses forged, altered and repurposed unsubscribe tokens and unsubscribes nobody', async () => {
    const before = await snapshot();
    for (const [what, token] of forgeries()) {
      for (const method of ['GET', 'POST']) {
        const res = await rt.app.request(`/unsubscribe?t=${encodeURIComponent(token)}`, {
          method,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          ...(method === 'POST' ? { body: 'List-Unsubscribe=One-Click' } : {}),
        });
        expect(res.status, `${method} ${what}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${what}`).toBeLessThan(500);
      }
    }
    expect(await rt.unsubscribes.get('victim@example.com')).toBeNull();
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an unsubscribe token as a click, and forged clicks record nothing', async () => {
    const before = await snapshot();
    const unsubscribe = mailLink('List-Unsubscribe');
    const other = createLinkSigner('another-secret-0123456789abcdef');
    const [body = '', sig = ''] = clickToken().split('.');
    const forged = Buffer.from(JSON.stringify({ p: 'c', c: 'c_other', s: 1 })).toString(
      'base64url',
    );
    for (const token of [
      unsubscribe,
      other.sign({
        purpose: 'click',
        cartId: 'c_42',
        step: 1,
        target: restoreTarget('https://shop.example/cart/c_42'),
      }),
      `${forged}.${sig}`,
      `${body}.${sig.slice(1)}`,
    ]) {
      await expectError(await rt.app.request(`/c?t=${encodeURIComponent(token)}`), 400);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('GET /unsubscribe with the real link, ten times, leaves the address subscribed', async () => {
    const token = mailLink('List-Unsubscribe');
    const before = await snapshot();
    for (let i = 0; i < 10; i++) {
      const res = await rt.app.request(`/unsubscribe?t=${encodeURIComponent(token)}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<form method="post"');
    }
    expect(await snapshot()).toEqual(before);
    expect(before.block).toBeNull();
  });

  it('a forged resubscribe cannot take an address off the list; only its own link can', async () => {
    // The shopper's own unsubscribe: an owner's is not theirs to lift (shopper-links-hardening).
    await rt.stops.unsubscribe('gone@example.com', 'shopper');
    const other = createLinkSigner('another-secret-0123456789abcdef');
    for (const token of [
      other.sign({ purpose: 'resubscribe', email: 'gone@example.com' }),
      rt.links.sign({ purpose: 'unsubscribe', email: 'gone@example.com', cartId: null }),
      rt.links.sign({
        purpose: 'click',
        cartId: 'c_42',
        step: 1,
        target: restoreTarget('https://shop.example/cart/c_42'),
      }),
    ]) {
      for (const method of ['GET', 'POST']) {
        await expectError(
          await rt.app.request(`/resubscribe?t=${encodeURIComponent(token)}`, { method }),
          400,
        );
      }
    }
    expect((await rt.unsubscribes.get('gone@example.com'))?.kind).toBe('unsubscribed');
    // The GET page of the shopper's own link changes nothing either; its POST does.
    const own = rt.links.sign({ purpose: 'resubscribe', email: 'gone@example.com' });
    expect((await rt.app.request(`/resubscribe?t=${own}`)).status).toBe(200);
    expect((await rt.unsubscribes.get('gone@example.com'))?.kind).toBe('unsubscribed');
    expect((await rt.app.request(`/resubscribe?t=${own}`, { method: 'POST' })).status).toBe(200);
    expect(await rt.unsubscribes.get('gone@example.com')).toBeNull();
  });
});

describe('webhook signatures', () => {
  const body = () =>
    JSON.stringify(
      cartEvent({
        id: 'evt_replay',
        occurredAt: new Date(rt.clock.now()).toISOString(),
        cart: { id: 'c_replay' },
      }),
    );

  it('refuses a signature more than 300 s old or ahead, and stores nothing', async () => {
    const raw = body();
    for (const offsetS of [-301, -3600, 301, 86_400]) {
      const t = Math.floor(rt.clock.now() / 1000) + offsetS;
      const res = await rt.app.request('/events', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cr-signature': signWebhook(RT_SECRET, raw, t),
        },
        body: raw,
      });
      await expectError(res, 401);
    }
    expect(await rt.store.get('c_replay')).toBeNull();
  });

  it('a body re-sent with its signature inside the window is a duplicate, not a second apply', async () => {
    const raw = body();
    const init = signedRequest(RT_SECRET, raw, rt.clock.now() - 200_000);
    const first = await rt.app.request('/events', init);
    expect(((await first.json()) as { duplicate: boolean }).duplicate).toBe(false);
    const after = await rt.store.get('c_replay');
    const audit = await rt.store.auditFor('c_replay');
    const again = await rt.app.request(
      '/events',
      signedRequest(RT_SECRET, raw, rt.clock.now() - 200_000),
    );
    expect(again.status).toBe(200);
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(await rt.store.get('c_replay')).toEqual(after);
    expect(await rt.store.auditFor('c_replay')).toEqual(audit);
  });

  it('refuses a signature over a different body', async () => {
    const raw = body();
    const init = signedRequest(RT_SECRET, raw.replace('c_replay', 'c_other'), rt.clock.now());
    await expectError(await rt.app.request('/events', { ...init, body: raw }), 401);
  });
});

describe('secrets in the logs of a real serve', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-sec-'));
    dirs.push(dir);
    return dir;
  };

  it('never prints a secret that was set, even on a first run and failing requests', async () => {
    const secret = 'whsec_security_log_test_7f3a9c1e5b';
    const token = 'own_security_log_test_4d8e2a6c0f';
    const dataDir = tempDir();
    const served = await startServe(
      {
        CR_DATA_DIR: dataDir,
        CR_WEBHOOK_SECRET: secret,
        CR_OWNERS: `sam:${token}`,
        CR_QUIET_HOURS: 'off',
        CR_CADENCE: '1s,2s',
        CR_GIVE_UP_AFTER: '3s',
      },
      await freePort(),
    );
    try {
      const post = (raw: string, signature: string, type = 'application/json') =>
        fetch(`${served.base}/events`, {
          method: 'POST',
          headers: { 'content-type': type, 'x-cr-signature': signature },
          body: raw,
        });
      const now = () => Math.floor(Date.now() / 1000);
      const good = JSON.stringify(
        cartEvent({ id: 'evt_log', occurredAt: new Date().toISOString() }),
      );
      expect((await post(good, signWebhook(secret, good, now()))).status).toBe(200);
      expect((await post(good, signWebhook('wrong-secret-0123456789', good, now()))).status).toBe(
        401,
      );
      expect((await post(good, `t=${now()},v1=${secret}`)).status).toBe(401);
      expect((await post('{"id":', signWebhook(secret, '{"id":', now()))).status).toBe(415);
      expect((await post('{}', signWebhook(secret, '{}', now()))).status).toBe(400);
      const owner = (auth: string, path: string, body?: unknown) =>
        fetch(`${served.base}/owner/api${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await owner(`Bearer ${token}x`, '/carts')).status).toBe(401);
      expect((await owner(`Bearer ${secret}`, '/carts/c_42')).status).toBe(401);
      expect((await owner(`Bearer ${token}`, '/carts/c_42')).status).toBe(200);
      expect((await owner(`Bearer ${token}`, '/carts/c_42/write-off', { reason: 1 })).status).toBe(
        400,
      );
      expect(
        (await owner(`Bearer ${token}`, '/unsubscribe', { email: 'x@example.com' })).status,
      ).toBe(200);
      expect((await fetch(`${served.base}/unsubscribe?t=${secret}`)).status).toBe(400);
    } finally {
      await stopServe(served);
    }
    const { stdout, stderr } = served.output();
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    for (const leak of [secret, token, ...Object.values(stored)]) {
      expect(stdout).not.toContain(leak);
      expect(stderr).not.toContain(leak);
    }
    expect(stdout).not.toMatch(/CR_WEBHOOK_SECRET\s+\S/);
    expect(stdout).not.toMatch(/owner token\s+\S/);
  });

  it('prints generated secrets once, only when they were generated', async () => {
    const dataDir = tempDir();
    const env = { CR_DATA_DIR: dataDir, CR_QUIET_HOURS: 'off' };
    const first = await startServe(env, await freePort());
    await stopServe(first);
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(first.output().stdout).toContain(stored.webhookSecret);
    expect(first.output().stdout).toContain(stored.ownerToken);
    // The link-signing secret is never shown: nobody needs it.
    expect(first.output().stdout).not.toContain(stored.linkSecret);
    const second = await startServe(env, await freePort());
    await stopServe(second);
    for (const value of Object.values(stored)) {
      expect(second.output().stdout).not.toContain(value);
      expect(second.output().stderr).not.toContain(value);
    }
  });
});
