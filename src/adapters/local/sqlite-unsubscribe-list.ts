/** The never-send list on SQLite; each change commits with its audit row. */
import type { AuditEntry } from '../../domain/audit.ts';
import {
  type AddressBlock,
  type BlockKind,
  BlockKind as Kinds,
  type UnsubscribeList,
} from '../../ports/unsubscribe-list.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { prepareAuditInsert } from './sqlite-audit.ts';

export function createSqliteUnsubscribeList(db: SqliteDatabase): UnsubscribeList {
  const getStmt = db.prepare<[string], AddressBlock>(
    'SELECT email, kind, at, actor FROM unsubscribes WHERE email = ?',
  );
  const insertStmt = db.prepare(
    `INSERT INTO unsubscribes (email, kind, at, actor) VALUES (@email, @kind, @at, @actor)
     ON CONFLICT (email) DO NOTHING`,
  );
  const deleteStmt = db.prepare('DELETE FROM unsubscribes WHERE email = ?');
  const countStmt = db.prepare<[number, number], { kind: BlockKind; n: number }>(
    'SELECT kind, COUNT(*) AS n FROM unsubscribes WHERE at >= ? AND at < ? GROUP BY kind',
  );
  const insertAudit = prepareAuditInsert(db);
  // An address change has no cart row to show: before and after stay NULL whatever the entry says.
  const audit = (entry: AuditEntry) => insertAudit({ ...entry, before: null, after: null });

  const addTx = db.transaction((block: AddressBlock, entry: AuditEntry) => {
    if (insertStmt.run(block).changes === 0) return 'already' as const;
    audit(entry);
    return 'added' as const;
  });
  const removeTx = db.transaction((email: string, entry: AuditEntry) => {
    if (deleteStmt.run(email).changes === 0) return 'absent' as const;
    audit(entry);
    return 'removed' as const;
  });

  return {
    async get(email) {
      return getStmt.get(email) ?? null;
    },
    async add(block, entry) {
      return addTx(block, entry);
    },
    async remove(email, entry) {
      return removeTx(email, entry);
    },
    async countBetween(from, to) {
      const counts: Record<BlockKind, number> = {
        [Kinds.unsubscribed]: 0,
        [Kinds.bounced]: 0,
        [Kinds.complained]: 0,
      };
      for (const row of countStmt.all(from, to)) counts[row.kind] = row.n;
      return counts;
    },
  };
}
