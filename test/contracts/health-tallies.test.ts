/**
 * The HealthTallies contract, on SQLite and DynamoDB Local: every audit write folds into its
 * day's tally in the same write (a saved send, an appended mark, a new or upgraded block), a
 * repeat that writes no audit row counts nothing, and a refresh reads the days back.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/domain/audit.ts';
import { BlockKind } from '../../src/ports/unsubscribe-list.ts';
import { makeCart, T0 } from '../support/cart-fixtures.ts';
import { useStoreBackends } from '../support/store-backends.ts';

const backends = useStoreBackends();

const DAY1 = '2026-11-23';
const DAY2 = '2026-11-24';

function audit(over: Partial<AuditEntry>): AuditEntry {
  return {
    cartId: 'c_1',
    email: 'sam@example.com',
    action: 'reminder_sent',
    actor: 'system',
    at: T0 + 3_600_000,
    reason: null,
    detail: null,
    before: null,
    after: null,
    ...over,
  };
}

describe.each(backends)('HealthTallies on %s', (_name, make) => {
  it('counts sends saved with their cart, per lane and day, and nothing else', async () => {
    const { store, tallies } = await make();
    const cart = makeCart();
    const first = await store.save({ cart, expectedVersion: null, audit: [audit({})] });
    if (first.kind !== 'saved') throw new Error('not saved');
    await store.save({
      cart: first.cart,
      expectedVersion: first.cart.version,
      audit: [audit({ action: 'reminder_held' }), audit({ at: T0 + 86_400_000 + 1 })],
    });
    await store.save({
      cart: makeCart({ id: 'web_x1' }),
      expectedVersion: null,
      audit: [audit({ cartId: 'web_x1' })],
    });
    const days = await tallies.between(DAY1, DAY2);
    expect(days).toEqual([
      { day: DAY1, values: { 'signed.sent': 1, 'browser.sent': 1 } },
      { day: DAY2, values: { 'signed.sent': 1 } },
    ]);
  });

  it('counts a new or upgraded block once, and a redelivery not at all', async () => {
    const { unsubscribes, tallies } = await make();
    const block = (email: string, kind: BlockKind) =>
      unsubscribes.add(
        { email, kind, at: T0, actor: 'system' },
        audit({
          cartId: null,
          email,
          action:
            kind === 'complained' ? 'complained' : kind === 'bounced' ? 'bounced' : 'unsubscribe',
          at: T0,
        }),
      );
    expect(await block('a@example.com', BlockKind.bounced)).toBe('added');
    expect(await block('a@example.com', BlockKind.bounced)).toBe('already');
    expect(await block('b@example.com', BlockKind.unsubscribed)).toBe('added');
    expect(await block('b@example.com', BlockKind.complained)).toBe('upgraded');
    expect(await block('b@example.com', BlockKind.complained)).toBe('already');
    expect(await tallies.between(DAY1, DAY1)).toEqual([
      { day: DAY1, values: { 'signed.bounced': 1, 'signed.complained': 1 } },
    ]);
  });

  it('keeps the latest time of each hold mark appended', async () => {
    const { store, tallies } = await make();
    const mark = (action: AuditEntry['action'], at: number) =>
      store.appendAudit([audit({ cartId: null, email: null, action, at })]);
    await mark('sender_paused', T0 + 1000);
    await mark('sender_paused', T0 + 5000);
    await mark('sender_resumed', T0 + 3000);
    expect(await tallies.between(DAY1, DAY1)).toEqual([
      { day: DAY1, values: { sender_paused: T0 + 5000, sender_resumed: T0 + 3000 } },
    ]);
  });

  it('answers no days for a window with nothing in it', async () => {
    const { tallies } = await make();
    expect(await tallies.between('2020-01-01', '2020-01-31')).toEqual([]);
  });
});
