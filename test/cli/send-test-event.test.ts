/**
 * `send-test-event` against a stand-in receiver that records the request: what is sent is signed
 * with the configured secret, stamped now, and passes the settings that would otherwise refuse it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSchema } from '../../src/domain/events.ts';
import { verifyWebhookSignature } from '../../src/domain/webhook-signature.ts';
import { runCli } from './run-cli.ts';

interface Received {
  readonly url: string | undefined;
  readonly signature: string | undefined;
  readonly body: string;
}

let receiver: Server;
let base: string;
const received: Received[] = [];
const dirs: string[] = [];

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      received.push({ url: req.url, signature: req.headers['x-cr-signature'] as string, body });
      const cart = (JSON.parse(body) as { cart: { id: string } }).cart;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ cart: { id: cart.id, status: 'open' }, duplicate: false }));
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const address = receiver.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise<void>((done) => receiver.close(() => done()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-send-test-'));
  dirs.push(dir);
  return dir;
}

const SECRET = 'whsec_send_test_event_0123456789';

describe('send-test-event', () => {
  it('posts a schema-valid event signed with CR_WEBHOOK_SECRET and stamped now', async () => {
    const before = Date.now();
    const result = await runCli(['send-test-event'], {
      CR_DATA_DIR: dataDir(),
      CR_PUBLIC_URL: base,
      CR_WEBHOOK_SECRET: SECRET,
    });
    const after = Date.now();
    expect(result.code).toBe(0);
    const request = received.at(-1);
    expect(request?.url).toBe('/events');
    const raw = new TextEncoder().encode(request?.body ?? '');
    expect(verifyWebhookSignature(SECRET, request?.signature, raw, Date.now())).toEqual({
      ok: true,
    });
    const event = eventSchema.parse(JSON.parse(request?.body ?? '{}'));
    expect(event.type).toBe('cart.updated');
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.occurredAt)).toBeLessThanOrEqual(after);
    expect(result.stdout).toContain(`audit ${event.cart.id}`);
  });

  it('reads the secret from the data dir, mails CR_REPORT_TO and links to CR_STORE_URL', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ webhookSecret: SECRET }));
    const result = await runCli(['send-test-event'], {
      CR_DATA_DIR: dir,
      CR_PUBLIC_URL: base,
      CR_REPORT_TO: 'owner@linen.example',
      CR_STORE_URL: 'https://linen.example/shop/',
      CR_STORE_HOSTS: 'linen.example',
    });
    expect(result.code).toBe(0);
    const request = received.at(-1);
    const raw = new TextEncoder().encode(request?.body ?? '');
    expect(verifyWebhookSignature(SECRET, request?.signature, raw, Date.now()).ok).toBe(true);
    const { cart } = eventSchema.parse(JSON.parse(request?.body ?? '{}'));
    expect(cart.email).toBe('owner@linen.example');
    expect(cart.restoreUrl).toBe(`https://linen.example/shop/cart/${cart.id}`);
  });

  it('--checkout buys the remembered cart, and without one says how to get one', async () => {
    const dir = dataDir();
    const env = { CR_DATA_DIR: dir, CR_PUBLIC_URL: base, CR_WEBHOOK_SECRET: SECRET };
    const none = await runCli(['send-test-event', '--checkout'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no test cart yet');
    await runCli(['send-test-event'], env);
    const opened = eventSchema.parse(JSON.parse(received.at(-1)?.body ?? '{}'));
    const bought = await runCli(['send-test-event', '--checkout'], env);
    expect(bought.code).toBe(0);
    const checkout = eventSchema.parse(JSON.parse(received.at(-1)?.body ?? '{}'));
    expect(checkout.type).toBe('cart.checked_out');
    expect(checkout.cart.id).toBe(opened.cart.id);
    expect(checkout.id).not.toBe(opened.id);
  });

  it('without any secret, says where it looked', async () => {
    const dir = dataDir();
    const result = await runCli(['send-test-event'], { CR_DATA_DIR: dir, CR_PUBLIC_URL: base });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cart-recovery: no webhook secret: CR_WEBHOOK_SECRET is unset and ${join(dir, 'secrets.json')} cannot be read (start serve once, or set CR_WEBHOOK_SECRET or CR_DATA_DIR)\n`,
    );
  });
});
