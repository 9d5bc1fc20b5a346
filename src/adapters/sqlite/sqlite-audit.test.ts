import { describe, expect, it } from 'vitest';
import { makeAudit, makeCart, T0 } from '../../../test/support/cart-fixtures.ts';
import type { AddressBlock } from '../../ports/unsubscribe-list.ts';
import { openDatabase } from './sqlite.ts';
import { type AuditRow, prepareAuditInsert, toAuditEntry } from './sqlite-audit.ts';
import { createSqliteUnsubscribeList } from './sqlite-unsubscribe-list.ts';

function rows(db: ReturnType<typeof openDatabase>): AuditRow[] {
  return db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq').all();
}

describe('prepareAuditInsert and toAuditEntry', () => {
  it('store an entry with its cart rows and detail, and read it back as it went in', () => {
    const db = openDatabase({ path: ':memory:' });
    try {
      const before = makeCart();
      const after = makeCart({ status: 'closed', closedReason: 'suppressed', wakeAt: null });
      const entry = makeAudit({
        action: 'suppress',
        actor: 'alex',
        reason: 'asked by phone',
        detail: { step: 2, rule: 'quiet_hours', ok: true, none: null },
        before,
        after,
      });
      const write = prepareAuditInsert(db);
      write(entry);
      write(makeAudit({ at: T0 + 1 }));
      const stored = rows(db);
      expect(stored.map(toAuditEntry)).toEqual([
        { ...entry, id: '000000000001' },
        { ...makeAudit({ at: T0 + 1 }), id: '000000000002' },
      ]);
      expect(stored[1]).toMatchObject({ detail: null, before: null, after: null });
    } finally {
      db.close();
    }
  });

  it('the unsubscribe list stores before and after as NULL even when the entry carries them', async () => {
    const db = openDatabase({ path: ':memory:' });
    try {
      const list = createSqliteUnsubscribeList(db);
      const entry = makeAudit({
        cartId: null,
        action: 'unsubscribe',
        actor: 'shopper',
        detail: { via: 'link' },
        before: makeCart(),
        after: makeCart({ version: 2 }),
      });
      const block: AddressBlock = {
        email: 'sam@example.com',
        kind: 'unsubscribed',
        at: T0,
        actor: 'shopper',
      };
      await list.add(block, entry);
      expect(rows(db)).toEqual([
        {
          seq: 1,
          cart_id: null,
          email: 'sam@example.com',
          action: 'unsubscribe',
          actor: 'shopper',
          at: T0,
          reason: null,
          detail: '{"via":"link"}',
          before: null,
          after: null,
        },
      ]);
    } finally {
      db.close();
    }
  });
});
