/**
 * The cart store's writes on SQLite: a cart change and its audit rows commit in one transaction,
 * conditional on the version the writer read, so two writers racing on one cart cannot clobber.
 */

import type { Statement } from 'better-sqlite3';
import type { AuditEntry } from '../../domain/audit.ts';
import { type Cart, purchaseEmails } from '../../domain/cart.ts';
import type { CartStore, RecordEventResult, SaveCart, SaveResult } from '../../ports/cart-store.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { prepareAuditInsert } from './sqlite-audit.ts';
import { type CartParams, cartParams } from './sqlite-cart-rows.ts';
import { createSqliteItemNames } from './sqlite-cart-search.ts';
import { cartRowCache } from './sqlite-row-cache.ts';

export type SqliteCartWrites = Pick<CartStore, 'save' | 'recordEvent' | 'appendAudit'>;

/** The indexed columns, by CartParams name and column: an UPDATE sets only those that moved. */
const INDEXED = [
  ['status', 'status'],
  ['email', 'email'],
  ['lastActivityAt', 'last_activity_at'],
  ['wakeAt', 'wake_at'],
  ['claimedStep', 'claimed_step'],
] as const;
type IndexedRow = { [K in (typeof INDEXED)[number][1]]: string | number | null };

/**
 * The conditional UPDATE of a row at its expected version. SQLite rewrites every index over a
 * column the SET names, changed or not, so the statement names only the indexed columns whose
 * value moved (read first, with the version check): an event that moves the activity and the
 * due time rewrites two indexes, not four (measured: 26 against 34 us per update). One statement
 * per set of moved columns, prepared the first time it is needed (at most 32).
 */
function prepareUpdateRow(db: SqliteDatabase) {
  const current = db.prepare<[string, number], IndexedRow>(
    `SELECT ${INDEXED.map(([, column]) => column).join(', ')} FROM carts WHERE id = ? AND version = ?`,
  );
  const statements = new Map<number, Statement>();
  const statementFor = (moved: number): Statement => {
    let statement = statements.get(moved);
    if (statement === undefined) {
      const sets = INDEXED.filter((_, i) => moved & (1 << i)).map(
        ([param, column]) => `${column} = @${param}`,
      );
      statement = db.prepare(
        `UPDATE carts SET ${[...sets, 'version = @version', 'data = @data'].join(', ')}
         WHERE id = @id AND version = @expectedVersion`,
      );
      statements.set(moved, statement);
    }
    return statement;
  };
  /** False when the row is not at the expected version (a conflict): nothing written. */
  return (params: CartParams): boolean => {
    if (params.expectedVersion === null) return false;
    const row = current.get(params.id, params.expectedVersion);
    if (row === undefined) return false;
    let moved = 0;
    INDEXED.forEach(([param, column], i) => {
      if (row[column] !== params[param]) moved |= 1 << i;
    });
    return statementFor(moved).run(params).changes === 1;
  };
}

function prepareWriteCart(db: SqliteDatabase) {
  const rows = cartRowCache(db);
  const insertStmt = db.prepare(
    `INSERT INTO carts (id, status, email, last_activity_at, wake_at, claimed_step, version, data)
     VALUES (@id, @status, @email, @lastActivityAt, @wakeAt, @claimedStep, @version, @data)
     ON CONFLICT (id) DO NOTHING`,
  );
  const updateRow = prepareUpdateRow(db);
  // Checked free just before (writeCart), so a clash here is a fault, not a lost race.
  const insertAlias = db.prepare('INSERT INTO cart_aliases (alias, cart_id) VALUES (?, ?)');
  const aliasOwner = db.prepare('SELECT cart_id FROM cart_aliases WHERE alias = ?');
  const cartExists = db.prepare('SELECT id FROM carts WHERE id = ?');
  const upsertPurchase = db.prepare(
    `INSERT INTO purchases (email, cart_id, bought_at) VALUES (?, ?, ?)
     ON CONFLICT (email, cart_id) DO UPDATE SET bought_at = excluded.bought_at`,
  );
  const deletePurchase = db.prepare('DELETE FROM purchases WHERE email = ? AND cart_id = ?');
  const insertAudit = prepareAuditInsert(db);
  const indexItemNames = createSqliteItemNames(db);
  const writeAudit = (entries: readonly AuditEntry[]) => {
    for (const entry of entries) insertAudit(entry);
  };

  /**
   * Runs inside a transaction. Every condition is checked before the first write, and the last
   * check is the conditional INSERT or UPDATE itself, so a refusal (null: a conflict) has written
   * nothing and needs no savepoint to undo. Anything thrown after it is a fault, not a conflict.
   */
  function writeCart({ cart, expectedVersion, audit, newAliases }: SaveCart): Cart | null {
    const version = (expectedVersion ?? 0) + 1;
    // A new row under an id another row already holds as an alias would split one cart in two.
    if (expectedVersion === null && aliasOwner.get(cart.id) !== undefined) return null;
    const aliases = [...new Set(newAliases ?? [])];
    // Taken meanwhile (by this row or another): the caller reloads and sees who holds it.
    for (const alias of aliases) {
      if (cartExists.get(alias) !== undefined || aliasOwner.get(alias) !== undefined) return null;
    }
    // A tombstone (CR_RETAIN_CARTS) takes the cart's purchase records with it: they name the
    // addresses it had, and the purchase guard reads none that old (config checks the minimum).
    const previous = cart.tombstone === undefined ? null : rows.get(cart.id);
    const params = cartParams(cart, version, expectedVersion);
    const written =
      expectedVersion === null ? insertStmt.run(params).changes === 1 : updateRow(params);
    if (!written) return null;
    const stored: Cart = { ...cart, version };
    indexItemNames(cart);
    if (previous !== null) {
      for (const email of purchaseEmails(previous)) deletePurchase.run(email, cart.id);
    }
    // A bought row is on record under every address it was known by (a handful at most).
    if (cart.status === 'bought' && cart.boughtAt !== null) {
      for (const email of purchaseEmails(cart)) upsertPurchase.run(email, cart.id, cart.boughtAt);
    }
    for (const alias of aliases) insertAlias.run(alias, cart.id);
    writeAudit(audit.map((entry) => (entry.after === null ? entry : { ...entry, after: stored })));
    rows.keep(stored);
    return stored;
  }
  return { writeCart, writeAudit };
}

type Write =
  | { kind: 'event'; eventId: string; cartId: string; change: SaveCart | null }
  | { kind: 'save'; input: SaveCart };
type Outcome = RecordEventResult | SaveResult;
interface Pending {
  write: Write;
  resolve: (result: Outcome) => void;
  reject: (error: unknown) => void;
}

/**
 * One write, inside the batch's transaction and without a savepoint of its own: writeCart refuses
 * before writing anything, and the event id it may already have recorded is deleted again, so a
 * conflict or a duplicate leaves no trace. A fault (an error SQLite throws) is thrown on, and
 * the batch is run again one write per transaction (createSqliteCartWrites).
 */
function prepareOneWrite(db: SqliteDatabase, writeCart: (input: SaveCart) => Cart | null) {
  const insertEvent = db.prepare(
    'INSERT INTO events (id, cart_id, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const forgetEvent = db.prepare('DELETE FROM events WHERE id = ?');
  const eventCart = db.prepare<[string], { cart_id: string }>(
    'SELECT cart_id FROM events WHERE id = ?',
  );
  function recordEvent(
    eventId: string,
    cartId: string,
    now: number,
    change: SaveCart | null,
  ): RecordEventResult {
    if (insertEvent.run(eventId, cartId, now).changes === 0) {
      return { kind: 'duplicate', cartId: eventCart.get(eventId)?.cart_id ?? '' };
    }
    if (change === null) return { kind: 'saved', cart: null };
    const saved = writeCart(change);
    if (saved !== null) return { kind: 'saved', cart: saved };
    // Refused: the event id goes too, so a retry after the conflict is not a "duplicate".
    forgetEvent.run(eventId);
    return { kind: 'conflict' };
  }
  return (write: Write): Outcome => {
    if (write.kind === 'event') {
      return recordEvent(write.eventId, write.cartId, Date.now(), write.change);
    }
    const saved = writeCart(write.input);
    return saved === null ? { kind: 'conflict' } : { kind: 'saved', cart: saved };
  };
}

/**
 * Group commit: writes that arrive together (events from concurrent requests, saves from
 * concurrent waiters) share one transaction, so one fsync makes the whole batch durable, and no
 * caller hears back before the commit that made it durable. A conflict or duplicate in one write
 * never touches another (each refuses before it writes). A write that faults mid-way would leave
 * half of itself in the transaction, so the whole batch is rolled back and run again with each
 * write in a transaction of its own: only the faulty one fails, with its own cause. A full or
 * failing disk (SQLITE_FULL, SQLITE_IOERR) then fails each write that needs the disk.
 */
export function createSqliteCartWrites(db: SqliteDatabase): SqliteCartWrites {
  const { writeCart, writeAudit } = prepareWriteCart(db);
  const runOne = prepareOneWrite(db, writeCart);
  const pending: Pending[] = [];
  const batchTx = db.transaction((batch: readonly Pending[]) =>
    batch.map(({ write }) => runOne(write)),
  );
  const aloneTx = db.transaction((write: Write) => runOne(write));
  type Settled = { ok: Outcome } | { error: unknown };
  function commit(batch: readonly Pending[]): Settled[] {
    try {
      return batchTx(batch).map((ok) => ({ ok }));
    } catch {
      return batch.map((item) => {
        try {
          return { ok: aloneTx(item.write) };
        } catch (error) {
          return { error };
        }
      });
    }
  }
  function deliver(batch: readonly Pending[], settled: readonly Settled[]): void {
    batch.forEach((item, i) => {
      const outcome = settled[i];
      if (outcome !== undefined && 'ok' in outcome) item.resolve(outcome.ok);
      else item.reject(outcome?.error ?? new Error('write batch lost an outcome'));
    });
  }
  function flush(): void {
    const batch = pending.splice(0);
    deliver(batch, commit(batch));
  }
  function enqueue<T extends Outcome>(write: Write): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      pending.push({ write, resolve: resolve as (result: Outcome) => void, reject });
      if (pending.length === 1) setImmediate(flush);
    });
  }
  return {
    save: (input) => enqueue<SaveResult>({ kind: 'save', input }),
    recordEvent: (eventId, change, cartId) =>
      enqueue<RecordEventResult>({
        kind: 'event',
        eventId,
        cartId: cartId ?? change?.cart.id ?? '',
        change,
      }),
    async appendAudit(entries) {
      db.transaction(() => writeAudit(entries))();
    },
  };
}
