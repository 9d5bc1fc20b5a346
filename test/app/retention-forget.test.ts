/**
 * `cart-recovery forget EMAIL --by NAME` on a real data dir: the shopper's carts, purchase
 * records, audit rows and outbox mail go; other shoppers' stay; the address stays unsubscribed.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

const start = Date.parse('2026-11-23T10:00:00Z');
let dir = '';
afterEach(() => {
  vi.restoreAllMocks();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('cart-recovery forget', () => {
  it("erases one shopper's carts, purchases, audit rows and outbox mail, and keeps them unsubscribed", async () => {
    dir = mkdtempSync(join(tmpdir(), 'cr-forget-'));
    const rt = openTestRuntime({}, start, dir);
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.post(
      cartEvent({ id: 'co', type: 'cart.checked_out', occurredAt: '2026-11-23T10:00:30Z' }),
    );
    const other = cartEvent({ id: 'e_alex', occurredAt: '2026-11-23T10:01:00Z' });
    await rt.post({ ...other, cart: { ...other.cart, id: 'c_alex', email: 'alex@example.com' } });
    await rt.stops.suppress('c_alex', 'sam');
    // A cart whose address was later retyped: found by the addresses it was known by.
    const typo = cartEvent({ id: 'e_t1', occurredAt: '2026-11-23T10:02:00Z' });
    await rt.post({ ...typo, cart: { ...typo.cart, id: 'c_typo' } });
    const fixed = cartEvent({ id: 'e_t2', occurredAt: '2026-11-23T10:03:00Z' });
    await rt.post({ ...fixed, cart: { ...fixed.cart, id: 'c_typo', email: 'sam@exmaple.com' } });
    expect((await rt.store.get('c_typo'))?.email).toBe('sam@exmaple.com');
    await rt.shutdown(false);
    mkdirSync(join(dir, 'outbox'), { recursive: true });
    writeFileSync(join(dir, 'outbox', 'a.eml'), 'To: sam@example.com\r\nSubject: x\r\n\r\nhi');
    writeFileSync(join(dir, 'outbox', 'b.eml'), 'To: alex@example.com\r\nSubject: x\r\n\r\nhi');

    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const env = { CR_DATA_DIR: dir, CR_WEBHOOK_SECRET: RT_SECRET, CR_OWNERS: `sam:${RT_OWNER}` };
    expect(await main(['forget', 'Sam@Example.com', '--by', 'sam'], env)).toBe(0);
    expect(lines[0]).toContain('sam@example.com forgotten by sam: 2 cart(s)');

    const db = new Database(join(dir, 'cart-recovery.sqlite'), { readonly: true });
    try {
      const all = (sql: string) => db.prepare(sql).all();
      expect(all('SELECT id FROM carts')).toEqual([{ id: 'c_alex' }]);
      expect(all('SELECT email FROM purchases')).toEqual([]);
      expect(all('SELECT cart_id, email, action FROM audit ORDER BY seq')).toEqual([
        { cart_id: 'c_alex', email: 'alex@example.com', action: 'suppress' },
        { cart_id: null, email: 'sam@example.com', action: 'unsubscribe' },
      ]);
      expect(all('SELECT email, kind FROM unsubscribes')).toEqual([
        { email: 'sam@example.com', kind: 'unsubscribed' },
      ]);
    } finally {
      db.close();
    }
    expect(readdirSync(join(dir, 'outbox'))).toEqual(['b.eml']);
  });
});
