import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOUR, makeCart, T0 } from '../../../test/support/cart-fixtures.ts';
import { MIGRATIONS, openDatabase } from './sqlite.ts';
import { createSqliteCartStore } from './sqlite-cart-store.ts';

describe('openDatabase migrations', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cr-migrate-'));
    path = join(dir, 'cart-recovery.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A file as the release before the claimed_step column left it, holding two carts. */
  function fileBeforeClaimedStepColumn() {
    const old = new Database(path);
    const before = MIGRATIONS.findIndex((sql) => sql.includes('ADD COLUMN claimed_step'));
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    const insert = old.prepare(
      `INSERT INTO carts (id, status, email, last_activity_at, wake_at, version, data)
       VALUES (?, 'open', 'sam@example.com', ?, ?, 3, ?)`,
    );
    const claimed = makeCart({ id: 'c_claimed', claimedStep: 1, claimedAt: T0, wakeAt: null });
    const quiet = makeCart({ id: 'c_quiet', wakeAt: T0 + 5 * HOUR });
    for (const cart of [claimed, quiet]) {
      insert.run(cart.id, cart.lastActivityAt, cart.wakeAt, JSON.stringify(cart));
    }
    old.close();
  }

  it('brings an older file up to date and keeps a step claim findable after a restart', async () => {
    fileBeforeClaimedStepColumn();
    const db = openDatabase({ path });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
      const steps = db.prepare('SELECT id, claimed_step AS step FROM carts ORDER BY id').all();
      expect(steps).toEqual([
        { id: 'c_claimed', step: 1 },
        { id: 'c_quiet', step: null },
      ]);
      const store = createSqliteCartStore(db);
      // The claimed cart is made due now; the other keeps its own time.
      expect(store.recoverAfterRestart(T0 + HOUR)).toBe(1);
      expect((await store.get('c_claimed'))?.wakeAt).toBe(T0 + HOUR);
      expect((await store.get('c_quiet'))?.wakeAt).toBe(T0 + 5 * HOUR);
    } finally {
      db.close();
    }
  });

  it('keeps the column in step with every save, so a claim made or released is found or not', async () => {
    const db = openDatabase({ path });
    try {
      const store = createSqliteCartStore(db);
      const saved = await store.save({ cart: makeCart(), expectedVersion: null, audit: [] });
      if (saved.kind !== 'saved') throw new Error('not saved');
      const column = () =>
        (db.prepare('SELECT claimed_step AS step FROM carts').get() as { step: number | null })
          .step;
      expect(column()).toBeNull();
      const claim = await store.save({
        cart: { ...saved.cart, claimedStep: 2, claimedAt: T0 },
        expectedVersion: saved.cart.version,
        audit: [],
      });
      expect(column()).toBe(2);
      if (claim.kind !== 'saved') throw new Error('not saved');
      await store.save({
        cart: { ...claim.cart, claimedStep: null, claimedAt: null },
        expectedVersion: claim.cart.version,
        audit: [],
      });
      expect(column()).toBeNull();
    } finally {
      db.close();
    }
  });

  it('brings a file from before aliases and purchases up to date: old purchases guard, old rows load', async () => {
    const old = new Database(path);
    const before = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE cart_aliases'));
    for (const sql of MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    // Rows as that release wrote them: no aliases, no knownEmails.
    const legacy = (cart: ReturnType<typeof makeCart>) => {
      const { aliases: _a, knownEmails: _k, ...rest } = cart;
      return JSON.stringify(rest);
    };
    const bought = makeCart({
      id: 'c_bought',
      status: 'bought',
      boughtAt: T0 + HOUR,
      wakeAt: null,
    });
    const open = makeCart({ id: 'c_open' });
    const insert = old.prepare(
      `INSERT INTO carts (id, status, email, last_activity_at, wake_at, version, data)
       VALUES (?, ?, 'sam@example.com', ?, ?, 1, ?)`,
    );
    for (const cart of [bought, open]) {
      insert.run(cart.id, cart.status, cart.lastActivityAt, cart.wakeAt, legacy(cart));
    }
    old.close();
    const db = openDatabase({ path });
    try {
      const store = createSqliteCartStore(db);
      expect(await store.lastPurchaseBy('sam@example.com')).toBe(T0 + HOUR);
      const row = await store.get('c_open');
      expect(row?.aliases).toEqual([]);
      expect(row?.knownEmails).toEqual(['sam@example.com']);
      expect(Object.fromEntries(await store.ownersOf(['c_open', 'nope']))).toEqual({
        c_open: 'c_open',
      });
    } finally {
      db.close();
    }
  });

  it('opens an up-to-date file without changing it', () => {
    openDatabase({ path }).close();
    const again = openDatabase({ path });
    try {
      expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    } finally {
      again.close();
    }
  });
});

describe('openDatabase synchronous (CR_SQLITE_SYNC, parsed by config)', () => {
  // SQLite reports the level as a number: OFF 0, NORMAL 1, FULL 2, EXTRA 3.
  const levelOf = (db: ReturnType<typeof openDatabase>) =>
    db.pragma('synchronous', { simple: true });

  it('is FULL unless told, and takes the level it is given', () => {
    const full = openDatabase({ path: ':memory:' });
    const off = openDatabase({ path: ':memory:', synchronous: 'OFF' });
    const extra = openDatabase({ path: ':memory:', synchronous: 'EXTRA' });
    try {
      expect([levelOf(full), levelOf(off), levelOf(extra)]).toEqual([2, 0, 3]);
    } finally {
      for (const db of [full, off, extra]) db.close();
    }
  });

  it('never puts other text into the PRAGMA, whatever a caller passes', () => {
    const sneaky = { path: ':memory:', synchronous: 'OFF; DROP TABLE carts' } as never;
    expect(() => openDatabase(sneaky)).toThrow(
      /openDatabase :memory:: synchronous "OFF; DROP TABLE cart" is not one of OFF, NORMAL, FULL, EXTRA/,
    );
  });
});
