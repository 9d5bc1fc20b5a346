/**
 * `serve` answers POST /events on a Node fast path beside Hono: its refusals count and log the
 * same as Hono's, a body over 64 KiB included (refused before the handler runs).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeServer } from '../../src/http/node-server.ts';
import { openObservedRuntime } from '../app/observed-runtime.ts';
import { RT_SECRET } from '../support/runtime.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

const TOKEN = 'metrics_token_0123456789abcdef';
let rt: ReturnType<typeof openObservedRuntime> | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await rt?.shutdown();
  rt = undefined;
});

describe('refusals on the Node fast path', () => {
  it('a too-large, an unsigned and an accepted event count once each, fast path or Hono', async () => {
    rt = openObservedRuntime({ env: { CR_METRICS_TOKEN: TOKEN } });
    const server = createNodeServer(rt.app, rt.handleEvent);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const huge = JSON.stringify({ padding: 'x'.repeat(70 * 1024) });
    const tooLarge = await fetch(`${base}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: huge,
    });
    expect(tooLarge.status).toBe(413);
    const viaHono = await rt.app.request('/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: huge,
    });
    expect(viaHono.status).toBe(413);
    const body = JSON.stringify(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    const unsigned = await fetch(`${base}/events`, {
      ...signedRequest('whsec_someone_else_012345', body, rt.clock.now()),
    });
    expect(unsigned.status).toBe(401);
    const accepted = await fetch(`${base}/events`, signedRequest(RT_SECRET, body, rt.clock.now()));
    expect(accepted.status).toBe(200);

    const scrape = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const text = await scrape.text();
    expect(text).toContain(
      'cart_recovery_events_rejected_total{lane="events",reason="too_large"} 2',
    );
    expect(text).toContain(
      'cart_recovery_events_rejected_total{lane="events",reason="unauthorized"} 1',
    );
    expect(text).toContain('cart_recovery_events_accepted_total{lane="events"} 1');
    const rejected = rt.lines().filter((l) => l.event === 'event.rejected');
    expect(rejected.map((l) => [l.status, l.reason])).toEqual([
      [413, 'too_large'],
      [413, 'too_large'],
      [401, 'unauthorized'],
    ]);
  });
});
