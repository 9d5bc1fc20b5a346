/**
 * Removing personal data from the SQLite store: one address on request (forget), and audit rows
 * past the retention window (the nightly job).
 */
import type { SqliteDatabase } from './sqlite.ts';
import { PAGE } from './sqlite-cart-rows.ts';

export interface ForgetReport {
  readonly carts: readonly string[];
  readonly auditRows: number;
  readonly purchases: number;
}

export function prepareForgetAddress(db: SqliteDatabase): (email: string) => ForgetReport {
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
  return db.transaction((email: string): ForgetReport => {
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
}

export function prepareDeleteAuditBefore(db: SqliteDatabase): (before: number) => number {
  // In batches, so a first run over years of rows never holds the write lock for long.
  const deleteAuditBatch = db.prepare<[number]>(
    `DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE at < ? LIMIT ${PAGE * 5})`,
  );
  return (before) => {
    let deleted = 0;
    for (;;) {
      const { changes } = deleteAuditBatch.run(before);
      deleted += changes;
      if (changes < PAGE * 5) return deleted;
    }
  };
}
