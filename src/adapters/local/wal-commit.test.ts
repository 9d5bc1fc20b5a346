import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeCart } from '../../../test/support/cart-fixtures.ts';
import { openDatabase, type SqliteDatabase } from './sqlite.ts';
import { createSqliteCartStore } from './sqlite-cart-store.ts';
import { fdatasyncFile, type SyncFile } from './wal-commit.ts';

/** A file sync the test releases or fails by hand, recording which files it was asked for. */
function heldSync() {
  const calls: string[] = [];
  const waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  const sync: SyncFile = (path) =>
    new Promise<void>((resolve, reject) => {
      calls.push(path);
      waiting.push({ resolve, reject });
    });
  return {
    sync,
    calls,
    releaseAll: () => {
      for (const w of waiting.splice(0)) w.resolve();
    },
    failAll: (error: Error) => {
      for (const w of waiting.splice(0)) w.reject(error);
    },
  };
}

/** Lets every queued immediate and microtask run, so a write that could resolve has resolved. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T; error?: unknown } = { done: false };
  promise.then(
    (value) => Object.assign(state, { done: true, value }),
    (error: unknown) => Object.assign(state, { done: true, error }),
  );
  return state;
}

const create = (id: string) => ({
  cart: makeCart({ id }),
  expectedVersion: null,
  audit: [],
});

describe('durable WAL commit (group commit with the fsync off the main thread)', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cr-wal-commit-'));
    db = openDatabase({ path: join(dir, 'cart-recovery.db') });
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a write only after the WAL file is synced, with the row already committed', async () => {
    const held = heldSync();
    const store = createSqliteCartStore(db, { syncFile: held.sync });
    const write = track(store.save(create('c_1')));
    await settle();
    expect(held.calls).toEqual([join(dir, 'cart-recovery.db-wal')]);
    expect(write.done).toBe(false);
    // Committed (readable) but not yet acknowledged; and the connection is back on FULL, so any
    // other write on it (a stop, an unsubscribe) still syncs inside its own commit.
    expect((await store.get('c_1'))?.version).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    held.releaseAll();
    await settle();
    expect(write).toMatchObject({ done: true, value: { kind: 'saved' } });
  });

  it('commits the next batch while the last one is still syncing', async () => {
    const held = heldSync();
    const store = createSqliteCartStore(db, { syncFile: held.sync });
    const first = track(store.save(create('c_1')));
    await settle();
    const second = track(store.recordEvent('evt_2', create('c_2')));
    await settle();
    expect(held.calls).toHaveLength(2);
    expect(await store.get('c_2')).not.toBeNull();
    expect([first.done, second.done]).toEqual([false, false]);
    held.releaseAll();
    await settle();
    expect(first.value).toMatchObject({ kind: 'saved' });
    expect(second.value).toMatchObject({ kind: 'saved' });
  });

  it('rejects every caller of a batch whose sync failed; a retry answers duplicate once synced', async () => {
    const held = heldSync();
    const store = createSqliteCartStore(db, { syncFile: held.sync });
    const event = track(store.recordEvent('evt_1', create('c_1')));
    const save = track(store.save(create('c_2')));
    await settle();
    held.failAll(new Error('EIO: disk went away'));
    await settle();
    expect(String(event.error)).toContain('EIO');
    expect(String(save.error)).toContain('EIO');

    const retry = track(store.recordEvent('evt_1', create('c_1')));
    await settle();
    expect(retry.done).toBe(false);
    held.releaseAll();
    await settle();
    expect(retry.value).toEqual({ kind: 'duplicate' });
  });

  it('leaves an in-memory database, or a connection below FULL, to commit as it always did', async () => {
    const held = heldSync();
    const memory = openDatabase({ path: ':memory:' });
    const inMemory = createSqliteCartStore(memory, { syncFile: held.sync });
    expect(await inMemory.save(create('c_1'))).toMatchObject({ kind: 'saved' });
    memory.close();

    db.pragma('synchronous = NORMAL');
    const normal = createSqliteCartStore(db, { syncFile: held.sync });
    expect(await normal.save(create('c_2'))).toMatchObject({ kind: 'saved' });
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(held.calls).toEqual([]);
  });

  it('syncs the real WAL file by default, and reports a file that is not there', async () => {
    const store = createSqliteCartStore(db);
    expect(await store.save(create('c_1'))).toMatchObject({ kind: 'saved' });
    const file = join(dir, 'plain.txt');
    writeFileSync(file, 'x');
    await expect(fdatasyncFile(file)).resolves.toBeUndefined();
    await expect(fdatasyncFile(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
