/**
 * The browser lane's budget at the waiter: the gate only peeks, and the place is taken just
 * before the send. Two waiters (two Lambdas) can both peek "room" for the last place; the one
 * whose admission comes back "full" sends nothing and audits the cart as skipped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteAddressBudget } from '../../src/adapters/sqlite/sqlite-address-budget.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/sqlite/sqlite-unsubscribe-list.ts';
import { createWake } from '../../src/app/wake.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { reminderMessageId } from '../../src/domain/copy.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.ts';
import type { AddressBudget } from '../../src/ports/address-budget.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { Mailer, OutgoingEmail } from '../../src/ports/mailer.ts';
import { HOUR, makeCart, T0 } from '../support/cart-fixtures.ts';

const policy: Policy = { ...DEFAULT_POLICY, quietHours: null, frequencyCapMs: null };

const compose = (cart: Cart, step: number): OutgoingEmail => ({
  to: cart.email ?? '',
  from: 'shop@shop.test',
  subject: `step ${step}`,
  text: 'text',
  html: '<p>html</p>',
  headers: {},
  messageId: reminderMessageId(cart.id, step, 'shop.test'),
});

let open: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of open) db.close();
  open = [];
});

async function world(budget: (real: AddressBudget) => AddressBudget, dailyCap = 1) {
  const db = openDatabase({ path: ':memory:' });
  open.push(db);
  const store = createSqliteCartStore(db);
  const sent: string[] = [];
  const mailer: Mailer = {
    async send(email) {
      sent.push(email.to);
      return { receipt: 'ok' };
    },
  };
  const wake = createWake({
    store,
    unsubscribes: createSqliteUnsubscribeList(db),
    wakeups: { async set() {} },
    mailer,
    clock: createManualClock(T0 + HOUR),
    policy,
    compose,
    snippetBudget: { budget: budget(createSqliteAddressBudget(db)), dailyCap },
  });
  return { store, sent, wake };
}

describe('the snippet budget at send time', () => {
  it('a place taken by another waiter since the gate looked: no mail, skipped snippet_daily_cap', async () => {
    const { store, sent, wake } = await world((real) => ({
      peek: real.peek,
      // Another waiter admitted the day's last new address between this one's peek and admit.
      admit: async () => 'full',
    }));
    await store.save({ cart: makeCart({ id: 'web_a' }), expectedVersion: null, audit: [] });
    const report = await wake('web_a');
    expect(report).toMatchObject({
      kind: 'moved',
      move: { move: 'still_shopping', reason: 'snippet_daily_cap' },
    });
    expect(sent).toEqual([]);
    const rows = await store.auditFor('web_a');
    expect(rows.map((r) => [r.action, r.reason])).toEqual([['skipped', 'snippet_daily_cap']]);
    expect((await store.get('web_a'))?.remindersSent).toBe(0);
  });

  it('counts only browser-lane carts: the signed lanes never spend or need a place', async () => {
    const { store, sent, wake } = await world((real) => real, 0);
    await store.save({ cart: makeCart({ id: 'c_1' }), expectedVersion: null, audit: [] });
    await store.save({
      cart: makeCart({ id: 'web_b', email: 'kim@example.com' }),
      expectedVersion: null,
      audit: [],
    });
    await wake('c_1');
    await wake('web_b');
    expect(sent).toEqual(['sam@example.com']);
  });
});
