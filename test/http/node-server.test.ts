import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventHandler } from '../../src/http/events-route.ts';
import { createNodeServer } from '../../src/http/node-server.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';
import { makeTestApp, SECRET } from '../support/test-app.ts';

let harness: ReturnType<typeof makeTestApp>;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  harness?.close();
});

async function listen() {
  harness = makeTestApp();
  const handler = createEventHandler({
    ingest: harness.ingest,
    webhookSecret: SECRET,
    clock: harness.clock,
  });
  const server = createNodeServer(harness.app, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The same request through the Node fast path and through Hono gives the same answer. */
async function both(init: () => RequestInit, path = '/events') {
  const base = await listen();
  const fast = await fetch(`${base}${path}`, init());
  const fastBody = await fast.json();
  const viaHono = await harness.app.request(path, init());
  return {
    fast: { status: fast.status, body: fastBody },
    hono: { status: viaHono.status, body: await viaHono.json() },
  };
}

describe('the Node fast path for POST /events', () => {
  it('answers exactly like the Hono route: accepted, then duplicate', async () => {
    const body = JSON.stringify(cartEvent());
    const { fast, hono } = await both(() => signedRequest(SECRET, body, harness.clock.now()));
    expect(fast).toEqual({
      status: 200,
      body: { cart: { id: 'c_42', status: 'open' }, duplicate: false },
    });
    expect(hono).toEqual({
      status: 200,
      body: { cart: { id: 'c_42', status: 'open' }, duplicate: true },
    });
  });

  it.each([
    [
      '401 unsigned',
      () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      401,
    ],
    ['415 not JSON', () => signedRequest(SECRET, 'nope', harness.clock.now()), 415],
    [
      '400 invalid',
      () => signedRequest(SECRET, JSON.stringify({ id: 'x' }), harness.clock.now()),
      400,
    ],
    ['413 too large', () => signedRequest(SECRET, 'x'.repeat(70_000), harness.clock.now()), 413],
  ] as const)('%s, with the same error body', async (_name, init, status) => {
    const { fast, hono } = await both(init as () => RequestInit);
    expect(fast.status).toBe(status);
    expect(fast).toEqual(hono);
  });

  it('answers 413 to a chunked body over 64 KiB, instead of dropping the connection', async () => {
    const base = new URL(await listen());
    const { request } = await import('node:http');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          path: '/events',
          method: 'POST',
          // No content-length: Node sends the body chunked.
          headers: { 'content-type': 'application/json', 'x-cr-signature': 't=1,v1=00' },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            body += chunk;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      // 80 KiB in 8 KiB chunks, the way a streaming client sends it.
      for (let i = 0; i < 10; i++) req.write('x'.repeat(8192));
      req.end();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ details: [{ path: '(body)' }] });
  });

  it('passes every other route to the Hono app', async () => {
    const base = await listen();
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
    expect((await fetch(`${base}/owner/api/carts`)).status).toBe(401);
  });
});
