/**
 * The intake bench's inputs and its durable floor, held to what BENCHMARKS.md says of them: every
 * event is one cart-recovery accepts, no two share an id, the mix of creates and updates holds in
 * any prefix wrk gets through, and the floor answers only signed events, after storing them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { prepareEvents } from '../../bench/intake.ts';
import { startServer } from '../../bench/lib.ts';
import { parseCartEvent } from '../../src/domain/events.ts';
import { verifyWebhookSignature } from '../../src/domain/webhook-signature.ts';

const SECRET = 'whsec_bench_secret_0123456789abcdef';

function post(port: number, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = request(
      { host: '127.0.0.1', port, path: '/events', method: 'POST', headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    r.on('error', reject);
    r.end(body);
  });
}

describe('the intake bench', () => {
  it('prepares distinct, signed, valid events, 4 per cart, 1,024 carts apart', () => {
    const now = Date.now();
    const events = prepareEvents(8192, 't', now);
    const ids = new Set<string>();
    const lastSeen = new Map<string, number>();
    events.forEach((event, i) => {
      const raw = Buffer.from(event.body);
      expect(verifyWebhookSignature(SECRET, event.headers['x-cr-signature'], raw, now).ok).toBe(
        true,
      );
      const parsed = parseCartEvent(JSON.parse(event.body));
      if (!parsed.ok) throw new Error(`event ${i}: ${JSON.stringify(parsed.details)}`);
      ids.add(parsed.event.id);
      const cart = parsed.event.cart.id;
      const before = lastSeen.get(cart);
      if (before !== undefined) expect(i - before).toBe(1024);
      lastSeen.set(cart, i);
      // Store-length links, as a real store sends.
      expect(parsed.event.cart.restoreUrl?.length ?? 0).toBeGreaterThan(100);
    });
    expect(ids.size).toBe(events.length);
    expect(lastSeen.size).toBe(2048);
  });

  it('has a durable floor that stores each signed event it answers 200 and refuses a forged one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-floor-'));
    const server = await startServer(process.execPath, ['bench/servers/durable-floor.mjs'], {
      CR_DATA_DIR: dir,
      CR_WEBHOOK_SECRET: SECRET,
    });
    try {
      const events = prepareEvents(40, 'f');
      const statuses = await Promise.all(events.map((e) => post(server.port, e.body, e.headers)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const forged = events[0];
      if (forged === undefined) throw new Error('no event');
      expect(await post(server.port, forged.body.replace('Linen', 'Wool'), forged.headers)).toBe(
        401,
      );
      const db = new Database(join(dir, 'floor.db'), { readonly: true });
      const rows = db.prepare('SELECT COUNT(*) AS n FROM carts').get() as { n: number };
      db.close();
      expect(rows.n).toBe(40);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
