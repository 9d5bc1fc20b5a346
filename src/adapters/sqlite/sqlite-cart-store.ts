/**
 * The cart list on SQLite. A cart change and its audit rows commit in one transaction; writes are
 * conditional on the version the writer read, so two writers racing on one cart cannot clobber.
 */
import type { AuditEntry } from '../../domain/audit.ts';
import { type Cart, purchaseEmails } from '../../domain/cart.ts';
import type { CartStore, RecordEventResult, SaveCart, SaveResult } from '../../ports/cart-store.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { type AuditRow, prepareAuditInsert, toAuditEntry } from './sqlite-audit.ts';
import { createSqliteCartSearch, createSqliteItemNames } from './sqlite-cart-search.ts';

interface CartRow {
  id: string;
  wake_at: number | null;
  version: number;
  data: string;
}

const PAGE = 1000;

function toCart(row: CartRow): Cart {
  const cart = JSON.parse(row.data) as Cart;
  // The due time and version live in their own columns (the timer loop leases wake_at). Rows
  // written before aliases existed have none.
  return {
    ...cart,
    aliases: cart.aliases ?? [],
    knownEmails: cart.knownEmails ?? (cart.email === null ? [] : [cart.email]),
    wakeAt: row.wake_at,
    version: row.version,
  };
}

export interface SqliteCartStore extends CartStore {
  /**
   * The local timer's claim: due carts, oldest first, each leased for `leaseMs` so a crash
   * mid-wake makes it due again rather than lost. The waiter's save replaces the lease.
   */
  claimDue(now: number, limit: number, leaseMs: number): string[];
  /**
   * For a process that has just opened the database as its one owner (no wake-up can be in
   * flight): makes due now every open cart holding a step claim, so the waiter settles it at once
   * (claim-recovery.ts), and every wake-up still under a lease, which no live loop holds any more.
   * Leases are found in (now, now + leaseMs], the loop's lease length (default 60 s). Returns how
   * many wake-ups were brought forward.
   */
  recoverAfterRestart(now: number, leaseMs?: number): number;
  /** Earliest armed wake-up, so the loop can sleep exactly until then. */
  nextDueAt(): number | null;
  countOpen(): number;
  /** Carts whose wake-up is due at `now` and not yet run or leased (the metrics' due gauge). */
  countDue(now: number): number;
  /**
   * Deletes audit rows dated before `before` (the nightly job passes now minus 400 days): they
   * hold addresses and cart snapshots. Returns how many went. Sender health's day tallies and
   * the unsubscribe list are kept apart and are not touched.
   */
  deleteAuditBefore(before: number): number;
  /**
   * Erases one address (a shopper's request): every cart that had it, with its aliases, purchase
   * records and audit rows, and every other audit row about it. Seen event ids stay (they name no
   * one, and a store's retry of an old event must stay a duplicate). The never-send list is the
   * caller's to keep. Deleted rows linger in free pages until a VACUUM.
   */
  forgetAddress(email: string): ForgetReport;
}

export interface ForgetReport {
  readonly carts: readonly string[];
  readonly auditRows: number;
  readonly purchases: number;
}

export function createSqliteCartStore(db: SqliteDatabase): SqliteCartStore {
  const getStmt = db.prepare<[string], CartRow>(
    'SELECT id, wake_at, version, data FROM carts WHERE id = ?',
  );
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
  const aliasOwner = db.prepare<[string], { cart_id: string }>(
    'SELECT cart_id FROM cart_aliases WHERE alias = ?',
  );
  const cartExists = db.prepare<[string], { id: string }>('SELECT id FROM carts WHERE id = ?');
  const lastPurchaseStmt = db.prepare<[string], { at: number | null }>(
    'SELECT MAX(bought_at) AS at FROM purchases WHERE email = ?',
  );
  const upsertPurchase = db.prepare(
    `INSERT INTO purchases (email, cart_id, bought_at) VALUES (?, ?, ?)
     ON CONFLICT (email, cart_id) DO UPDATE SET bought_at = excluded.bought_at`,
  );
  const deletePurchase = db.prepare('DELETE FROM purchases WHERE email = ? AND cart_id = ?');
  // In batches, so a first run over years of rows never holds the write lock for long.
  const deleteAuditBatch = db.prepare<[number]>(
    `DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE at < ? LIMIT ${PAGE * 5})`,
  );
  // Every cart that ever had the address: its current one (indexed) or any it was known by.
  const cartsOfAddress = db.prepare<[string, string], { id: string }>(
    `SELECT id FROM carts WHERE email = ?
     UNION SELECT c.id FROM carts c, json_each(c.data, '$.knownEmails') e WHERE e.value = ?`,
  );
  const forgetAudit = db.prepare('DELETE FROM audit WHERE email = ?');
  const forgetCartAudit = db.prepare('DELETE FROM audit WHERE cart_id = ?');
  const forgetPurchases = db.prepare('DELETE FROM purchases WHERE email = ?');
  const forgetCartPurchases = db.prepare('DELETE FROM purchases WHERE cart_id = ?');
  const forgetAliases = db.prepare('DELETE FROM cart_aliases WHERE cart_id = ?');
  const forgetCart = db.prepare('DELETE FROM carts WHERE id = ?');
  const forgetTx = db.transaction((email: string): ForgetReport => {
    const carts = cartsOfAddress.all(email, email).map((row) => row.id);
    let auditRows = forgetAudit.run(email).changes;
    let purchases = forgetPurchases.run(email).changes;
    for (const id of carts) {
      auditRows += forgetCartAudit.run(id).changes;
      purchases += forgetCartPurchases.run(id).changes;
      forgetAliases.run(id);
      forgetCart.run(id);
    }
    return { carts, auditRows, purchases };
  });
  const insertEvent = db.prepare(
    'INSERT INTO events (id, cart_id, received_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const eventCart = db.prepare<[string], { cart_id: string }>(
    'SELECT cart_id FROM events WHERE id = ?',
  );
  const insertAudit = prepareAuditInsert(db);
  const indexItemNames = createSqliteItemNames(db);
  const activityPage = db.prepare<[number, number, number, string, number], CartRow>(
    `SELECT id, wake_at, version, data FROM carts
     WHERE last_activity_at < ? AND (last_activity_at > ? OR (last_activity_at = ? AND id > ?))
       AND last_activity_at >= ?
     ORDER BY last_activity_at, id LIMIT ${PAGE}`,
  );
  const openForEmail = db.prepare<[string], CartRow>(
    `SELECT id, wake_at, version, data FROM carts
     WHERE email = ? AND status = 'open' ORDER BY last_activity_at DESC, id DESC`,
  );
  const sendsStmt = db.prepare<[string, number], { at: number }>(
    `SELECT at FROM audit WHERE email = ? AND action = 'reminder_sent' AND at >= ? ORDER BY at`,
  );
  const auditCart = db.prepare<[string], AuditRow>(
    'SELECT * FROM audit WHERE cart_id = ? ORDER BY at, seq',
  );
  const auditEmail = db.prepare<[string], AuditRow>(
    'SELECT * FROM audit WHERE email = ? ORDER BY at, seq',
  );
  // Oldest first means by `at` (ties in write order), not by write order alone: a row computed
  // earlier can commit later (an owner's stop racing a waiter), and the port promises time order.
  const auditPage = db.prepare<[number, number, number, number, number], AuditRow>(
    `SELECT * FROM audit WHERE at >= ? AND at < ? AND (at > ? OR (at = ? AND seq > ?))
     ORDER BY at, seq LIMIT ${PAGE}`,
  );
  const dueStmt = db.prepare<[number, number], { id: string }>(
    'SELECT id FROM carts WHERE wake_at IS NOT NULL AND wake_at <= ? ORDER BY wake_at LIMIT ?',
  );
  const leaseStmt = db.prepare('UPDATE carts SET wake_at = ? WHERE id = ?');
  // Same terms as the carts_claimed_step partial index, so this reads the index, not the table.
  const claimedDueNow = db.prepare<[number, number]>(
    `UPDATE carts SET wake_at = ?
     WHERE status = 'open' AND claimed_step IS NOT NULL
       AND (wake_at IS NULL OR wake_at > ?)`,
  );
  // Every save writes the due time to the column and the row data alike; only a lease
  // (claimTx) makes them differ.
  const leasedDueNow = db.prepare<[number, number, number]>(
    `UPDATE carts SET wake_at = ?
     WHERE wake_at > ? AND wake_at <= ? AND wake_at IS NOT json_extract(data, '$.wakeAt')`,
  );
  const nextDueStmt = db.prepare<[], { at: number | null }>(
    'SELECT MIN(wake_at) AS at FROM carts WHERE wake_at IS NOT NULL',
  );
  // A range over the carts_due partial index: no table rows are read.
  const countDueStmt = db.prepare<[number], { n: number }>(
    'SELECT COUNT(*) AS n FROM carts WHERE wake_at IS NOT NULL AND wake_at <= ?',
  );
  const countOpenStmt = db.prepare<[], { n: number }>(
    "SELECT COUNT(*) AS n FROM carts WHERE status = 'open'",
  );

  function writeAudit(entries: readonly AuditEntry[]): void {
    for (const entry of entries) insertAudit(entry);
  }

  /** Runs inside a transaction. Returns null when the condition failed (a conflict). */
  function writeCart({ cart, expectedVersion, audit, newAliases }: SaveCart): Cart | null {
    const version = (expectedVersion ?? 0) + 1;
    const stored: Cart = { ...cart, version };
    const params = {
      id: cart.id,
      status: cart.status,
      email: cart.email,
      lastActivityAt: cart.lastActivityAt,
      wakeAt: cart.wakeAt,
      claimedStep: cart.claimedStep,
      version,
      expectedVersion,
      data: JSON.stringify(stored),
    };
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

  class Conflict extends Error {}

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

  /**
   * Group commit: writes that arrive together (events from concurrent requests, saves from
   * concurrent waiters) share one transaction, so one fsync makes the whole batch durable. Each
   * write still runs in its own savepoint (a nested transaction), so a conflict or duplicate in
   * one never touches another, and no caller hears back before the commit that made it durable.
   */
  type Write =
    | { kind: 'event'; eventId: string; cartId: string; change: SaveCart | null }
    | { kind: 'save'; input: SaveCart };
  type Outcome = RecordEventResult | SaveResult;
  interface Pending {
    write: Write;
    resolve: (result: Outcome) => void;
    reject: (error: unknown) => void;
  }
  const pending: Pending[] = [];
  const batchTx = db.transaction((batch: readonly Pending[]) =>
    batch.map(({ write }): { ok: Outcome } | { error: unknown } => {
      try {
        if (write.kind === 'save') return { ok: { kind: 'saved', cart: saveTx(write.input) } };
        return {
          ok: recordTx(write.eventId, write.cartId, Date.now(), write.change),
        };
      } catch (error) {
        return error instanceof Conflict ? { ok: { kind: 'conflict' } } : { error };
      }
    }),
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

  const claimTx = db.transaction((now: number, limit: number, leaseMs: number): string[] => {
    const ids = dueStmt.all(now, limit).map((row) => row.id);
    for (const id of ids) leaseStmt.run(now + leaseMs, id);
    return ids;
  });

  const recoverTx = db.transaction(
    (now: number, leaseMs: number): number =>
      claimedDueNow.run(now, now).changes + leasedDueNow.run(now, now, now + leaseMs).changes,
  );

  return {
    ...createSqliteCartSearch(db, toCart),

    async get(cartId) {
      const row = getStmt.get(cartId);
      return row === undefined ? null : toCart(row);
    },

    save(input) {
      return enqueue<SaveResult>({ kind: 'save', input });
    },

    recordEvent(eventId, change, cartId) {
      return enqueue<RecordEventResult>({
        kind: 'event',
        eventId,
        cartId: cartId ?? change?.cart.id ?? '',
        change,
      });
    },

    async *listByActivity(from, to) {
      let lastAt = from - 1;
      let lastId = '';
      for (;;) {
        const rows = activityPage.all(to, lastAt, lastAt, lastId, from);
        for (const row of rows) yield toCart(row);
        const last = rows.at(-1);
        if (last === undefined || rows.length < PAGE) return;
        const cart = toCart(last);
        lastAt = cart.lastActivityAt;
        lastId = cart.id;
      }
    },

    async ownersOf(ids) {
      const owners = new Map<string, string>();
      for (const id of ids) {
        const owner = cartExists.get(id)?.id ?? aliasOwner.get(id)?.cart_id;
        if (owner !== undefined) owners.set(id, owner);
      }
      return owners;
    },

    async lastPurchaseBy(email) {
      return lastPurchaseStmt.get(email)?.at ?? null;
    },

    async openCartsFor(email) {
      return openForEmail.all(email).map(toCart);
    },

    cartsToRearm: sqliteCartsToRearm(db),

    async sendsTo(email, since) {
      return sendsStmt.all(email, since).map((row) => row.at);
    },

    async auditFor(cartId) {
      return auditCart.all(cartId).map(toAuditEntry);
    },

    async auditForEmail(email) {
      return auditEmail.all(email).map(toAuditEntry);
    },

    async *auditBetween(from, to) {
      let lastAt = from - 1;
      let lastSeq = 0;
      for (;;) {
        const rows = auditPage.all(from, to, lastAt, lastAt, lastSeq);
        for (const row of rows) yield toAuditEntry(row);
        const last = rows.at(-1);
        if (last === undefined || rows.length < PAGE) return;
        lastAt = last.at;
        lastSeq = last.seq;
      }
    },

    async appendAudit(entries) {
      db.transaction(() => writeAudit(entries))();
    },

    claimDue(now, limit, leaseMs) {
      return claimTx(now, limit, leaseMs);
    },

    recoverAfterRestart(now, leaseMs = 60_000) {
      return recoverTx(now, leaseMs);
    },

    nextDueAt() {
      return nextDueStmt.get()?.at ?? null;
    },

    countDue(now) {
      return countDueStmt.get(now)?.n ?? 0;
    },
    countOpen() {
      return countOpenStmt.get()?.n ?? 0;
    },

    forgetAddress(email) {
      return forgetTx(email);
    },

    deleteAuditBefore(before) {
      let deleted = 0;
      for (;;) {
        const { changes } = deleteAuditBatch.run(before);
        deleted += changes;
        if (changes < PAGE * 5) return deleted;
      }
    },
  };
}

/**
 * Open carts and ended ones still holding a wake-up, by id, `after` the last id of the page
 * before. The filter reads the table (no index leads with it), which is fine for an operation
 * run by hand after a restore.
 */
function sqliteCartsToRearm(db: SqliteDatabase): CartStore['cartsToRearm'] {
  const page = db.prepare<[string, number], CartRow>(
    `SELECT id, wake_at, version, data FROM carts
     WHERE (status = 'open' OR wake_at IS NOT NULL) AND id > ? ORDER BY id LIMIT ?`,
  );
  return async (after, limit) => {
    const carts = page.all(after ?? '', limit).map(toCart);
    const last = carts.at(-1);
    return { carts, next: carts.length < limit || last === undefined ? null : last.id };
  };
}
