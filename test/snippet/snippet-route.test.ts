import { afterEach, describe, expect, it } from 'vitest';
import { openTestRuntime } from '../support/runtime.ts';
import {
  browserToken,
  shopCart as cart,
  cartIds,
  SNIPPET_KEY as KEY,
  openSnippetRuntime,
  postSnippet,
  SHOP,
  type TestRuntime,
} from '../support/snippet.ts';

const H = 3_600_000;
let rt: TestRuntime;
afterEach(async () => rt?.shutdown());

const token = browserToken();
const send = (body: unknown, origin: string | null = SHOP, ip?: string) =>
  postSnippet(rt, { body, origin, ...(ip === undefined ? {} : { ip }) });

describe('the storefront snippet lane', () => {
  it('is off (404) unless a publishable key is configured', async () => {
    rt = openTestRuntime();
    expect((await rt.app.request('/snippet.js')).status).toBe(404);
    expect((await send({ key: KEY, token, cart: cart() })).status).toBe(404);
  });

  it('serves the script and accepts a cart from an allowed origin, in its own id space', async () => {
    rt = openSnippetRuntime();
    const script = await rt.app.request('/snippet.js');
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('cartRecovery');
    const res = await send({ key: KEY, token, cart: cart() });
    expect(res).toMatchObject({ status: 200, json: { cart: { status: 'open' } } });
    const id = res.json.cart?.id ?? '';
    expect(id).toMatch(/^web_[A-Za-z0-9_-]{32}$/);
    expect(await rt.store.get(id)).toMatchObject({
      email: 'sam@example.com',
      totalMinor: 5900,
    });
    // The same browser and the same store cart id: the same row, every time.
    expect((await send({ key: KEY, token, cart: cart({ total: '59.00' }) })).json.cart?.id).toBe(
      id,
    );
    expect(await rt.store.get('c1')).toBeNull(); // cannot touch a server-lane cart
    expect(await rt.store.get('web_c1')).toBeNull(); // nor name its own row
  });

  it('answers a preflight only for allowed origins', async () => {
    rt = openSnippetRuntime();
    const ok = await rt.app.request('/snippet/events', {
      method: 'OPTIONS',
      headers: { origin: SHOP },
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    const evil = await rt.app.request('/snippet/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example' },
    });
    expect(evil.status).toBe(403);
  });

  it('refuses another origin, a missing origin, and a wrong key, storing nothing', async () => {
    rt = openSnippetRuntime();
    expect((await send({ key: KEY, token, cart: cart() }, 'https://evil.example')).status).toBe(
      403,
    );
    expect((await send({ key: KEY, token, cart: cart() }, null)).status).toBe(403);
    expect((await send({ key: 'pk_wrong_0123456789', token, cart: cart() })).status).toBe(401);
    expect(cartIds(rt)).toEqual([]);
  });

  it('refuses a change without the browser token, or with one too short to be secret, naming it', async () => {
    rt = openSnippetRuntime();
    for (const body of [
      { key: KEY, cart: cart() },
      { key: KEY, token: 'short', cart: cart() },
      { key: KEY, token: 'x'.repeat(21), cart: cart() },
    ]) {
      const res = await send(body);
      expect(res.status).toBe(401);
      expect(res.json.details?.map((d) => d.path)).toEqual(['token']);
    }
    expect(cartIds(rt)).toEqual([]);
  });

  it('can never mark a cart bought', async () => {
    rt = openSnippetRuntime();
    const id = (await send({ key: KEY, token, cart: cart() })).json.cart?.id ?? '';
    const res = await send({ key: KEY, token, type: 'cart.checked_out', cart: cart() });
    expect(res.status).toBe(403);
    expect((await rt.store.get(id))?.status).toBe('open');
  });

  it('names bad fields like the webhook does', async () => {
    rt = openSnippetRuntime();
    const res = await send({ key: KEY, token, cart: cart({ total: 'lots', email: 'nope' }) });
    expect(res.status).toBe(400);
    expect((res.json.details ?? []).map((d) => d.path).sort()).toEqual([
      'cart.email',
      'cart.total',
    ]);
  });

  it('rate-limits per address, and the gate still allows one reminder per address per 20 h', async () => {
    rt = openSnippetRuntime({ CR_FREQUENCY_CAP: '20h' });
    const ids: string[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      // Each from its own network, so only the per-address limit is in play.
      const res = await send(
        { key: KEY, token, cart: cart({ id: `c${i}` }) },
        SHOP,
        `198.51.100.${i}`,
      );
      statuses.push(res.status);
      if (res.json.cart) ids.push(res.json.cart.id);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    await rt.advance(19 * H, 10 * 60_000);
    // Twenty carts for one address (someone typed a victim's email twenty times): one reminder
    // in the 20 h window, and the other nineteen carts are audited as not chased.
    expect(rt.mailer.sent).toHaveLength(1);
    let olderSkipped = 0;
    for (const id of ids) {
      const rows = await rt.store.auditFor(id);
      if (rows.some((r) => r.action === 'skipped' && r.reason === 'older_cart')) olderSkipped++;
    }
    expect(olderSkipped).toBe(19);
  });

  it('carries the saved-link flag into the row and the "Still saving these?" copy', async () => {
    rt = openSnippetRuntime();
    const id = (await send({ key: KEY, token, cart: cart({ savedLink: true }) })).json.cart?.id;
    expect((await rt.store.get(id ?? ''))?.savedLink).toBe(true);
    await rt.advance(2 * H);
    expect(rt.mailer.sent[0]?.subject).toMatch(/still saving/i);
  });
});

describe('the saved-link flag through the generic webhook', () => {
  it('picks the saved copy, and the plain copy otherwise', async () => {
    rt = openTestRuntime();
    const { cartEvent } = await import('../support/signed-event.ts');
    await rt.post(
      cartEvent({ id: 'a', cart: { id: 'saved', savedLink: true, email: 'a@example.com' } }),
    );
    await rt.post(cartEvent({ id: 'b', cart: { id: 'plain', email: 'b@example.com' } }));
    await rt.advance(2 * H);
    const subjects = Object.fromEntries(rt.mailer.sent.map((m) => [m.to, m.subject]));
    expect(subjects['a@example.com']).toMatch(/still saving/i);
    expect(subjects['b@example.com']).not.toMatch(/still saving/i);
  });
});
