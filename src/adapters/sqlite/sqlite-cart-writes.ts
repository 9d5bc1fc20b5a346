/**
 * The cart store's writes on SQLite: a cart change and its audit rows commit in one transaction,
 * conditional on the version the writer read, so two writers racing on one cart cannot clobber.
 */
import type { AuditEntry } from '../../domain/audit.ts';
import { type Cart, purchaseEmails } from '../../domain/cart.ts';
import type { CartStore, RecordEventResult, SaveCart, SaveResult } from '../../ports/cart-store.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { prepareAuditInsert } from './sqlite-audit.ts';
import { CART_COLUMNS, type CartRow, cartParams, toCart } from './sqlite-cart-rows.ts';
import { createSqliteItemNames } from './sqlite-cart-search.ts';

export type SqliteCartWrites = Pick<CartStore, 'save' | 'recordEvent' | 'appendAudit'>;

/** A failed write condition inside a transaction: thrown to roll the savepoint back. */
class Conflict extends Error {
  override readonly name = 'Conflict';
}

function prepareWriteCart(db: SqliteDatabase) {
  const getStmt = db.prepare<[string], CartRow>(`SELECT ${CART_COLUMNS} FROM carts WHERE id = ?`);
  const insertStmt = db.prepare(
    `INSERT INTO carts (id, status, email, last_activity_at, wake_at, claimed_step, version, data)
     VALUES (@id, @status, @email, @lastActivityAt, @wakeAt, @claimedStep, @version, @data)
     ON CONFLICT (id) DO NOTHING`,
  );
  const updateStmt = db.prepare(
    `UPDATE carts SET status = @status, email = @email, last_activity_at = @lastActivityAt,
       wake_at = @wakeAt, claimed_step = @claimedStep, version = @version, data = @data
     WHERE id = @id AND version = @expectedVersion`,
  );
  const insertAlias = db.prepare(
    'INSERT INTO cart_aliases (alias, cart_id) VALUES (?, ?) ON CONFLICT (alias) DO NOTHING',
  );
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

  /** Runs inside a transaction. Returns null when the condition failed (a conflict). */
  function writeCart({ cart, expectedVersion, audit, newAliases }: SaveCart): Cart | null {
    const version = (expectedVersion ?? 0) + 1;
    const stored: Cart = { ...cart, version };
    const params = cartParams(cart, version, expectedVersion);
    // A new row under an id another row already holds as an alias would split one cart in two.
    if (expectedVersion === null && aliasOwner.get(cart.id) !== undefined) return null;
    // A tombstone (CR_RETAIN_CARTS) takes the cart's purchase records with it: they name the
    // addresses it had, and the purchase guard reads none that old (config checks the minimum).
    const previous = cart.tombstone === undefined ? undefined : getStmt.get(cart.id);
    const changes =
      expectedVersion === null ? insertStmt.run(params).changes : updateStmt.run(params).changes;
    if (changes !== 1) return null;
    indexItemNames(cart);
    if (previous !== undefined) {
      for (const email of purchaseEmails(toCart(previous))) deletePurchase.run(email, cart.id);
    }
    // A bought row is on record under every address it was known by (a handful at most).
    if (cart.status === 'bought' && cart.boughtAt !== null) {
      for (const email of purchaseEmails(cart)) upsertPurchase.run(email, cart.id, cart.boughtAt);
    }
    for (const alias of newAliases ?? []) {
      // Taken meanwhile (by this row or another): the caller reloads and sees who holds it.
      if (cartExists.get(alias) !== undefined) return null;
      if (insertAlias.run(alias, cart.id).changes !== 1) return null;
    }
    writeAudit(audit.map((entry) => (entry.after === null ? entry : { ...entry, after: stored })));
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

/** One write in its own savepoint: a conflict there is its outcome, any other error its fault. */
function prepareOneWrite(db: SqliteDatabase, writeCart: (input: SaveCart) => Cart | null) {
  const insertEvent = db.prepare(
    'INSERT INTO events (id, cart_id, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const eventCart = db.prepare<[string], { cart_id: string }>(
    'SELECT cart_id FROM events WHERE id = ?',
  );
  const saveTx = db.transaction((input: SaveCart): Cart => {
    const saved = writeCart(input);
    if (saved === null) throw new Conflict();
    return saved;
  });
  const recordTx = db.transaction(
    (eventId: string, cartId: string, now: number, change: SaveCart | null): RecordEventResult => {
      if (insertEvent.run(eventId, cartId, now).changes === 0) {
        return { kind: 'duplicate', cartId: eventCart.get(eventId)?.cart_id ?? '' };
      }
      if (change === null) return { kind: 'saved', cart: null };
      const saved = writeCart(change);
      // Throwing rolls back the event id too, so a retry after the conflict is not a "duplicate".
      if (saved === null) throw new Conflict();
      return { kind: 'saved', cart: saved };
    },
  );
  return (write: Write): { ok: Outcome } | { error: unknown } => {
    try {
      if (write.kind === 'save') return { ok: { kind: 'saved', cart: saveTx(write.input) } };
      return { ok: recordTx(write.eventId, write.cartId, Date.now(), write.change) };
    } catch (error) {
      if (error instanceof Conflict) return { ok: { kind: 'conflict' } };
      // A full or failing disk (SQLITE_FULL, SQLITE_IOERR) can make SQLite roll back the whole
      // batch, not just this savepoint: every write in it is lost, so all fail with this cause
      // rather than with the "cannot commit - no transaction is active" that would follow.
      if (!db.inTransaction) throw error;
      return { error };
    }
  };
}

/**
 * Group commit: writes that arrive together (events from concurrent requests, saves from
 * concurrent waiters) share one transaction, so one fsync makes the whole batch durable. Each
 * write still runs in its own savepoint (a nested transaction), so a conflict or duplicate in
 * one never touches another, and no caller hears back before the commit that made it durable.
 */
export function createSqliteCartWrites(db: SqliteDatabase): SqliteCartWrites {
  const { writeCart, writeAudit } = prepareWriteCart(db);
  const runOne = prepareOneWrite(db, writeCart);
  const pending: Pending[] = [];
  const batchTx = db.transaction((batch: readonly Pending[]) =>
    batch.map(({ write }) => runOne(write)),
  );
  function flush(): void {
    const batch = pending.splice(0);
    let outcomes: ReturnType<typeof batchTx>;
    try {
      outcomes = batchTx(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome !== undefined && 'ok' in outcome) item.resolve(outcome.ok);
      else item.reject(outcome?.error ?? new Error('write batch lost an outcome'));
    });
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
