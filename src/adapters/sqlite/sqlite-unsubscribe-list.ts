/**
 * The never-send list on SQLite; each change commits with its audit row. add and remove read the
 * current block and write in one BEGIN IMMEDIATE transaction: the write lock is taken before the
 * read, so another connection to the same file waits instead of slipping a change between the
 * read that decides and the write it decides (a deferred transaction would fail with BUSY there).
 */
import type { AuditEntry } from '../../domain/audit.ts';
import {
  type AddOutcome,
  type AddressBlock,
  type BlockKind,
  BlockKind as Kinds,
  mergeBlock,
  type RemoveOutcome,
  type UnsubscribeList,
  UnsubscribeListFaultError,
} from '../../ports/unsubscribe-list.ts';
import type { SqliteDatabase } from './sqlite.ts';
import { prepareAuditInsert } from './sqlite-audit.ts';
import { withSqliteFaults } from './sqlite-faults.ts';

export function createSqliteUnsubscribeList(db: SqliteDatabase): UnsubscribeList {
  const getStmt = db.prepare<[string], AddressBlock>(
    'SELECT email, kind, at, actor FROM unsubscribes WHERE email = ?',
  );
  const insertStmt = db.prepare(
    'INSERT INTO unsubscribes (email, kind, at, actor) VALUES (@email, @kind, @at, @actor)',
  );
  const upgradeStmt = db.prepare(
    'UPDATE unsubscribes SET kind = @kind, at = @at, actor = @actor WHERE email = @email',
  );
  const deleteStmt = db.prepare(
    'DELETE FROM unsubscribes WHERE email = ? AND kind = ? AND actor = ?',
  );
  const countStmt = db.prepare<[number, number], { kind: BlockKind; n: number }>(
    'SELECT kind, COUNT(*) AS n FROM unsubscribes WHERE at >= ? AND at < ? GROUP BY kind',
  );
  const insertAudit = prepareAuditInsert(db);
  // An address change has no cart row to show: before and after stay NULL whatever the entry says.
  const audit = (entry: AuditEntry) => insertAudit({ ...entry, before: null, after: null });

  const addTx = db.transaction((block: AddressBlock, entry: AuditEntry): AddOutcome => {
    const current = getStmt.get(block.email) ?? null;
    const next = mergeBlock(current, block);
    if (next === null) return 'already';
    if (current === null) insertStmt.run(next);
    else upgradeStmt.run(next);
    audit(entry);
    return current === null ? 'added' : 'upgraded';
  });
  const removeTx = db.transaction((email: string, entry: AuditEntry): RemoveOutcome => {
    if (deleteStmt.run(email, Kinds.unsubscribed, entry.actor).changes === 0) {
      const current = getStmt.get(email);
      if (current === undefined) return 'absent';
      return current.kind === Kinds.unsubscribed ? 'kept_by_other' : 'kept';
    }
    audit(entry);
    return 'removed';
  });

  return withSqliteFaults<UnsubscribeList>(
    {
      async get(email) {
        return getStmt.get(email) ?? null;
      },
      async add(block, entry) {
        return addTx.immediate(block, entry);
      },
      async remove(email, entry) {
        return removeTx.immediate(email, entry);
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
    },
    (message, options) => new UnsubscribeListFaultError(message, options),
  );
}
