/**
 * Owner sessions as an attacker meets them (issue "The public lanes cannot be turned against the
 * store"): a cookie copied before sign-out is worthless after it, across a restart too, and owner
 * tokens cannot be guessed online through the sign-in form or the API. Through the routes of a
 * real local runtime.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';

type Runtime = ReturnType<typeof openTestRuntime>;
let rt: Runtime;
afterEach(async () => {
  await rt?.shutdown();
});

/** A request from one client address, as the Node server hands it to the app. */
function from(ip: string, path: string, init: RequestInit = {}) {
  return rt.app.request(path, init, { incoming: { socket: { remoteAddress: ip } } });
}
const form = (fields: Record<string, string>, cookie?: string) => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    ...(cookie === undefined ? {} : { cookie }),
  },
  body: new URLSearchParams(fields).toString(),
});
const signIn = (token: string, ip = '203.0.113.7') => from(ip, '/owner/sign-in', form({ token }));
const api = (token: string, ip = '203.0.113.7') =>
  from(ip, '/owner/api/carts', { headers: { authorization: `Bearer ${token}` } });

async function session(ip = '203.0.113.7'): Promise<string> {
  const res = await signIn(RT_OWNER, ip);
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
async function csrfOf(cookie: string): Promise<string> {
  const page = await (await rt.app.request('/owner/carts', { headers: { cookie } })).text();
  const found = /name="csrf" value="([^"]+)"/.exec(page);
  if (!found?.[1]) throw new Error('no CSRF field: not signed in');
  return found[1];
}
async function signOut(cookie: string) {
  const res = await rt.app.request('/owner/sign-out', form({ csrf: await csrfOf(cookie) }, cookie));
  expect(res.status).toBe(303);
}
const carts = (cookie: string) => rt.app.request('/owner/carts', { headers: { cookie } });

describe('signing out ends the session on the server', () => {
  it('a cookie copied before sign-out no longer opens a page or sends a form', async () => {
    rt = openTestRuntime();
    const cookie = await session();
    const csrf = await csrfOf(cookie);
    expect((await carts(cookie)).status).toBe(200);
    await signOut(cookie);

    const page = await carts(cookie);
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/owner');
    const post = await rt.app.request('/owner/carts/c_42/suppress', form({ csrf }, cookie));
    expect(post.status).toBe(403);
    expect(await post.text()).toContain('Your session has ended');
  });

  it('ends every session of that owner, and a fresh sign-in works at once', async () => {
    rt = openTestRuntime();
    const laptop = await session();
    const phone = await session('198.51.100.4');
    await signOut(laptop);
    expect((await carts(phone)).status).toBe(303);
    // The clock has not moved since the sign-out: the new session still holds.
    const again = await session();
    expect((await carts(again)).status).toBe(200);
  });

  it('is still over after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-sessions-'));
    try {
      rt = openTestRuntime({}, undefined, dir);
      const copied = await session();
      await signOut(copied);
      await rt.shutdown(false);
      rt = openTestRuntime({}, undefined, dir);
      expect((await carts(copied)).status).toBe(303);
      expect((await carts(await session())).status).toBe(200);
    } finally {
      await rt.shutdown(false);
      rt = undefined as unknown as Runtime;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('wrong owner tokens are throttled', () => {
  /** Wrong tokens from `ip` until the first 429; the answers before it. */
  async function missUntilRefused(ip: string, send = signIn) {
    const before: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await send(`own_guess_${i}_0123456789`, ip);
      if (res.status === 429) return { before, refused: res };
      before.push(res.status);
    }
    throw new Error('30 wrong tokens and never a 429');
  }
  const retryAfter = (res: Response) => Number(res.headers.get('retry-after'));

  it('a few wrong tokens are 401; then 429 with Retry-After, for the right token too, and only for that address', async () => {
    rt = openTestRuntime();
    const { before, refused } = await missUntilRefused('203.0.113.7');
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.every((s) => s === 401)).toBe(true);
    expect(retryAfter(refused)).toBeGreaterThan(0);
    expect(await refused.text()).toMatch(/too many requests with wrong owner tokens/);
    // Waiting out the back-off is the only way on: the right token gets the same 429 now.
    expect((await signIn(RT_OWNER)).status).toBe(429);
    expect((await signIn(RT_OWNER, '198.51.100.4')).status).toBe(303);
    rt.clock.set(rt.clock.now() + retryAfter(refused) * 1000);
    expect((await signIn(RT_OWNER)).status).toBe(303);
  });

  it('each further wrong token waits longer', async () => {
    rt = openTestRuntime();
    let { refused } = await missUntilRefused('203.0.113.7');
    const waits = [retryAfter(refused)];
    for (let round = 0; round < 3; round++) {
      rt.clock.set(rt.clock.now() + retryAfter(refused) * 1000);
      expect((await signIn('own_still_wrong_0123456789')).status).toBe(401);
      refused = await signIn('own_still_wrong_0123456789');
      expect(refused.status).toBe(429);
      waits.push(retryAfter(refused));
    }
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1] ?? 0);
  });

  it('the owner API and the sign-in form draw on one budget', async () => {
    rt = openTestRuntime();
    const { refused } = await missUntilRefused('203.0.113.7', api);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(retryAfter(refused)).toBeGreaterThan(0);
    expect((await api(RT_OWNER)).status).toBe(429);
    expect((await signIn(RT_OWNER)).status).toBe(429);
    expect((await api(RT_OWNER, '198.51.100.4')).status).toBe(200);
  });

  it('many addresses with one wrong token each: then everyone waits, the right token too', async () => {
    rt = openTestRuntime();
    let refused: Response | undefined;
    for (let i = 0; i < 300 && refused === undefined; i++) {
      const res = await signIn(
        `own_spray_${i}_0123456789`,
        `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      );
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(401);
    }
    if (refused === undefined) throw new Error('300 addresses and never a 429');
    expect(await refused.text()).toMatch(/from many addresses/);
    expect((await signIn(RT_OWNER, '192.0.2.99')).status).toBe(429);
    rt.clock.set(rt.clock.now() + retryAfter(refused) * 1000);
    expect((await signIn(RT_OWNER, '192.0.2.99')).status).toBe(303);
  });
});
