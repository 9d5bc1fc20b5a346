/** The cart store's reads on SQLite: rows, identities, purchases, sends and the audit trail. */
import type { CartStore } from '../../ports/cart-store.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { type AuditRow, toAuditEntry } from './sqlite-audit.ts';
import { CART_COLUMNS, type CartRow, PAGE, toCart } from './sqlite-cart-rows.ts';
import { cartRowCache } from './sqlite-row-cache.ts';

/** The owner pages' reads (dayPage, dayCounts, searchCarts) are sqlite-cart-search.ts's. */
export type SqliteCartReads = Omit<
  CartStore,
  'save' | 'recordEvent' | 'appendAudit' | 'dayPage' | 'dayCounts' | 'searchCarts'
>;

export function createSqliteCartReads(db: SqliteDatabase): SqliteCartReads {
  const rows = cartRowCache(db);
  const aliasOwner = db.prepare<[string], { cart_id: string }>(
    'SELECT cart_id FROM cart_aliases WHERE alias = ?',
  );
  const cartExists = db.prepare<[string], { id: string }>('SELECT id FROM carts WHERE id = ?');
  const lastPurchaseStmt = db.prepare<[string], { at: number | null }>(
    'SELECT MAX(bought_at) AS at FROM purchases WHERE email = ?',
  );
  const openForEmail = db.prepare<[string], CartRow>(
    `SELECT ${CART_COLUMNS} FROM carts
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
  return {
    async get(cartId) {
      return rows.get(cartId);
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
    listByActivity: sqliteListByActivity(db),
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
    auditBetween: sqliteAuditBetween(db),
  };
}

function sqliteListByActivity(db: SqliteDatabase): CartStore['listByActivity'] {
  const activityPage = db.prepare<[number, number, number, string, number], CartRow>(
    `SELECT ${CART_COLUMNS} FROM carts
     WHERE last_activity_at < ? AND (last_activity_at > ? OR (last_activity_at = ? AND id > ?))
       AND last_activity_at >= ?
     ORDER BY last_activity_at, id LIMIT ${PAGE}`,
  );
  return async function* (from, to) {
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
  };
}

function sqliteAuditBetween(db: SqliteDatabase): CartStore['auditBetween'] {
  // Oldest first means by `at` (ties in write order), not by write order alone: a row computed
  // earlier can commit later (an owner's stop racing a waiter), and the port promises time order.
  const auditPage = db.prepare<[number, number, number, number, number], AuditRow>(
    `SELECT * FROM audit WHERE at >= ? AND at < ? AND (at > ? OR (at = ? AND seq > ?))
     ORDER BY at, seq LIMIT ${PAGE}`,
  );
  return async function* (from, to) {
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
  };
}

/**
 * Open carts and ended ones still holding a wake-up, by id, `after` the last id of the page
 * before. The filter reads the table (no index leads with it), which is fine for an operation
 * run by hand after a restore.
 */
function sqliteCartsToRearm(db: SqliteDatabase): CartStore['cartsToRearm'] {
  const page = db.prepare<[string, number], CartRow>(
    `SELECT ${CART_COLUMNS} FROM carts
     WHERE (status = 'open' OR wake_at IS NOT NULL) AND id > ? ORDER BY id LIMIT ?`,
  );
  return async (after, limit) => {
    const carts = page.all(after ?? '', limit).map(toCart);
    const last = carts.at(-1);
    return { carts, next: carts.length < limit || last === undefined ? null : last.id };
  };
}
