import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { makeCart } from '../../../test/support/cart-fixtures.ts';
import { AuditAction, auditEntry } from '../../domain/audit.ts';
import { CartStatus } from '../../domain/cart.ts';
import type { SaveCart } from '../../ports/cart-store.ts';
import { openDatabase, type SqliteDatabase } from './sqlite.ts';
import { createSqliteCartStore } from './sqlite-cart-store.ts';
import { createSqliteCartWrites } from './sqlite-cart-writes.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDatabase(): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'cr-wal-sync-'));
  dirs.push(dir);
  return openDatabase({ path: join(dir, 'carts.db') });
}

const newCart = (id: string, withAudit = false): SaveCart => {
  const cart = makeCart({ id, email: `${id}@example.com` });
  return {
    cart,
    expectedVersion: null,
    audit: withAudit ? [auditEntry({ action: AuditAction.checkout, at: 1, after: cart })] : [],
  };
};

describe('the group commit', () => {
  it('answers a write once its batch is committed, and the row is there after reopening', async () => {
    const db = fileDatabase();
    const store = createSqliteCartStore(db);
    await store.save(newCart('c_real'));
    const path = db.name;
    db.close();
    const again = openDatabase({ path });
    expect(await createSqliteCartStore(again).get('c_real')).toMatchObject({ id: 'c_real' });
    again.close();
  });
});

describe('one batch, no savepoints', () => {
  it('a write that faults half-way fails alone: the others are saved, it leaves nothing', async () => {
    const db = fileDatabase();
    // A fault after the cart row is written: its audit row cannot be inserted.
    db.exec(`CREATE TRIGGER boom BEFORE INSERT ON audit WHEN NEW.cart_id = 'c_boom'
             BEGIN SELECT RAISE(ABORT, 'audit refused for c_boom'); END`);
    const writes = createSqliteCartWrites(db);
    const results = await Promise.allSettled([
      writes.save(newCart('c_ok1', true)),
      writes.recordEvent('evt_boom', newCart('c_boom', true), 'c_boom'),
      writes.save(newCart('c_ok2', true)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/audit refused/);
    const ids = db.prepare('SELECT id FROM carts ORDER BY id').pluck().all();
    expect(ids).toEqual(['c_ok1', 'c_ok2']);
    expect(db.prepare("SELECT id FROM events WHERE id = 'evt_boom'").get()).toBeUndefined();
    expect(db.prepare('SELECT cart_id FROM audit ORDER BY cart_id').pluck().all()).toEqual([
      'c_ok1',
      'c_ok2',
    ]);
  });

  it('a conflict leaves no event id behind, so the retry is not a duplicate', async () => {
    const db = fileDatabase();
    const writes = createSqliteCartWrites(db);
    await writes.save(newCart('c_v'));
    const stale = { ...newCart('c_v'), expectedVersion: 7 };
    await expect(writes.recordEvent('evt_v', stale, 'c_v')).resolves.toEqual({
      kind: 'conflict',
    });
    const fresh = { ...newCart('c_v'), expectedVersion: 1 };
    await expect(writes.recordEvent('evt_v', fresh, 'c_v')).resolves.toMatchObject({
      kind: 'saved',
    });
  });
});

describe('an update names only the indexed columns that moved', () => {
  it('after any sequence of saves, every indexed column holds the last saved value', async () => {
    const fields = fc.record({
      status: fc.constantFrom(CartStatus.open, CartStatus.closed),
      email: fc.constantFrom(null, 'a@example.com', 'b@example.com'),
      lastActivityAt: fc.integer({ min: 1, max: 5 }),
      wakeAt: fc.constantFrom(null, 10, 20),
      claimedStep: fc.constantFrom(null, 0, 1),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fields, { minLength: 1, maxLength: 12 }), async (steps) => {
        const db = openDatabase({ path: ':memory:' });
        const writes = createSqliteCartWrites(db);
        const read = db.prepare(
          "SELECT status, email, last_activity_at, wake_at, claimed_step FROM carts WHERE id = 'c_p'",
        );
        let version: number | null = null;
        for (const step of steps) {
          const cart = { ...makeCart({ id: 'c_p' }), ...step };
          const result = await writes.save({ cart, expectedVersion: version, audit: [] });
          expect(result.kind).toBe('saved');
          version = (version ?? 0) + 1;
          expect(read.get()).toEqual({
            status: step.status,
            email: step.email,
            last_activity_at: step.lastActivityAt,
            wake_at: step.wakeAt,
            claimed_step: step.claimedStep,
          });
        }
        db.close();
      }),
      { numRuns: 150 },
    );
  });
});
