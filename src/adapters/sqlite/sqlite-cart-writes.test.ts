import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
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
import { createFdatasync, createWalSync } from './sqlite-wal-sync.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fileDatabase(synchronous: 'FULL' | 'OFF' | 'EXTRA' = 'FULL'): SqliteDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'cr-wal-sync-'));
  dirs.push(dir);
  return openDatabase({ path: join(dir, 'carts.db'), synchronous });
}

/** A WAL flush the test releases or fails by hand, with the paths it was asked for. */
function heldFlushes() {
  const calls: { path: string; release: () => void; fail: (error: Error) => void }[] = [];
  const syncFile = (path: string) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ path, release: resolve, fail: reject });
    });
  return { calls, syncFile };
}

const newCart = (id: string, withAudit = false): SaveCart => {
  const cart = makeCart({ id, email: `${id}@example.com` });
  return {
    cart,
    expectedVersion: null,
    audit: withAudit ? [auditEntry({ action: AuditAction.checkout, at: 1, after: cart })] : [],
  };
};

/** Lets the batch's setImmediate run and the promise callbacks after it. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

const settled = (promise: Promise<unknown>) => {
  const state = { done: false };
  promise.then(
    () => {
      state.done = true;
    },
    () => {
      state.done = true;
    },
  );
  return state;
};

describe('the group commit flushes the WAL off the main thread', () => {
  it('answers a write only after a WAL flush that began after its commit', async () => {
    const db = fileDatabase();
    const { calls, syncFile } = heldFlushes();
    const writes = createSqliteCartWrites(db, { syncFile });
    const first = writes.save(newCart('c_1'));
    const firstDone = settled(first);
    await turn();
    // Committed (another reader sees it), flush asked for, caller not answered.
    expect(db.prepare("SELECT id FROM carts WHERE id = 'c_1'").get()).toEqual({ id: 'c_1' });
    expect(calls.map((c) => c.path)).toEqual([`${db.name}-wal`]);
    expect(firstDone.done).toBe(false);

    // A batch committed while that flush runs is not covered by it: it waits for the next one.
    const second = writes.save(newCart('c_2'));
    const secondDone = settled(second);
    await turn();
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    await expect(first).resolves.toMatchObject({ kind: 'saved' });
    await turn();
    expect(secondDone.done).toBe(false);
    expect(calls).toHaveLength(2);
    calls[1]?.release();
    await expect(second).resolves.toMatchObject({ kind: 'saved' });
    // Everything else on the connection still commits with FULL.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('batches committed while one flush runs share the next flush', async () => {
    const db = fileDatabase();
    const { calls, syncFile } = heldFlushes();
    const writes = createSqliteCartWrites(db, { syncFile });
    const first = writes.save(newCart('c_a'));
    await turn();
    const later = [writes.save(newCart('c_b'))];
    await turn();
    later.push(writes.save(newCart('c_c')));
    await turn();
    expect(calls).toHaveLength(1);
    calls[0]?.release();
    await first;
    await turn();
    expect(calls).toHaveLength(2);
    calls[1]?.release();
    await expect(Promise.all(later)).resolves.toHaveLength(2);
  });

  it('fails every write of a batch whose WAL flush failed, naming the file', async () => {
    const db = fileDatabase();
    const { calls, syncFile } = heldFlushes();
    const writes = createSqliteCartWrites(db, { syncFile });
    const both = [writes.save(newCart('c_x')), writes.save(newCart('c_y'))];
    await turn();
    calls[0]?.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    for (const write of both) {
      await expect(write).rejects.toThrow(/flushing the SQLite WAL .*carts\.db-wal failed.*EIO/);
    }
  });

  it('flushes with the real fdatasync, and the rows are there after reopening', async () => {
    const db = fileDatabase();
    const store = createSqliteCartStore(db);
    await store.save(newCart('c_real'));
    const path = db.name;
    db.close();
    const again = openDatabase({ path });
    expect(await createSqliteCartStore(again).get('c_real')).toMatchObject({ id: 'c_real' });
    again.close();
  });

  it('keeps the WAL descriptor open only while flushes follow one another', async () => {
    const db = fileDatabase();
    await createSqliteCartStore(db).save(newCart('c_fd'));
    const open = () => readdirSync('/proc/self/fd').length;
    const flush = createFdatasync();
    await turn(); // the store's own flusher closes its descriptor
    const before = open();
    await Promise.all([flush(`${db.name}-wal`), flush(`${db.name}-wal`)]);
    await flush(`${db.name}-wal`);
    expect(open()).toBe(before + 1);
    await turn();
    await turn();
    expect(open()).toBe(before);
    await expect(flush(join(tmpdir(), 'cr-no-such-dir', 'x-wal'))).rejects.toThrow(/ENOENT/);
  });

  it('leaves the commit its own fsync where there is nothing to gain or more is asked', () => {
    expect(createWalSync(openDatabase({ path: ':memory:' }))).toBeNull();
    expect(createWalSync(fileDatabase('OFF'))).toBeNull();
    expect(createWalSync(fileDatabase('EXTRA'))).toBeNull();
    expect(createWalSync(fileDatabase('FULL'))).not.toBeNull();
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
