/**
 * The browser lane's intake keeps a reminded cart's address and link, and cannot be raced: a
 * waiter claiming step 1 between intake's read and its write makes the write a conflict, and the
 * retry sees the claim.
 */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createBrowserIntake } from '../../src/app/browser-intake.ts';
import type { CartEvent } from '../../src/domain/events.ts';
import { DEFAULT_POLICY } from '../../src/domain/policy.ts';
import type { CartStore } from '../../src/ports/cart-store.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { makeCart, T0 } from '../support/cart-fixtures.ts';

const noWakeups = { async set() {} };

function change(n: number, email: string): CartEvent {
  return {
    id: `web_${String(n).padStart(12, '0')}`,
    type: 'cart.updated',
    occurredAt: T0 + n,
    cart: {
      ...makeCart({ id: 'web_x' }),
      email,
      restoreUrl: `https://shop.example/cart/${email}`,
    },
    orderId: null,
  };
}

async function setUp() {
  const db = openDatabase({ path: ':memory:' });
  const store = createSqliteCartStore(db);
  const clock = createManualClock(T0);
  const ingest = createBrowserIntake({ store, wakeups: noWakeups, policy: DEFAULT_POLICY, clock });
  await ingest(change(1, 'sam@example.com'));
  return { db, store, clock };
}

describe('browser-lane intake', () => {
  it('a step claimed between its read and its write: the retry keeps the address the reminder is going to', async () => {
    const { store, clock } = await setUp();
    let raced = false;
    // The waiter's claim lands just before intake's first write (it read the row unclaimed).
    const racing: CartStore = Object.assign(Object.create(store), {
      async recordEvent(...args: Parameters<CartStore['recordEvent']>) {
        if (!raced) {
          raced = true;
          const row = await store.get('web_x');
          if (row === null) throw new Error('no row');
          await store.save({
            cart: { ...row, claimedStep: 1, claimedAt: T0 },
            expectedVersion: row.version,
            audit: [],
          });
        }
        return store.recordEvent(...args);
      },
    });
    const ingest = createBrowserIntake({
      store: racing,
      wakeups: noWakeups,
      policy: DEFAULT_POLICY,
      clock,
    });
    const result = await ingest(change(2, 'attacker@example.com'));
    expect(raced).toBe(true);
    expect(result.cart).toMatchObject({
      email: 'sam@example.com',
      restoreUrl: 'https://shop.example/cart/sam@example.com',
    });
    expect(await store.get('web_x')).toMatchObject({ email: 'sam@example.com', claimedStep: 1 });
  });

  it('a cart let go and opened again keeps what its earlier reminders went with', async () => {
    const { store, clock } = await setUp();
    const row = await store.get('web_x');
    if (row === null) throw new Error('no row');
    // Reminded once, then expired: its counters read zero again, its audit trail does not.
    await store.save({
      cart: { ...row, status: 'closed', closedReason: 'expired' },
      expectedVersion: row.version,
      audit: [
        {
          cartId: 'web_x',
          email: 'sam@example.com',
          action: 'reminder_sent',
          actor: 'system',
          at: T0 + 10,
          reason: 'gate open',
          detail: { step: 1 },
          before: null,
          after: null,
        },
      ],
    });
    const ingest = createBrowserIntake({
      store,
      wakeups: noWakeups,
      policy: DEFAULT_POLICY,
      clock,
    });
    const result = await ingest(change(3, 'attacker@example.com'));
    expect(result).toMatchObject({ kind: 'accepted', outcome: 'reopened' });
    expect(result.cart).toMatchObject({ email: 'sam@example.com', remindersSent: 0 });
  });

  it('before any reminder the browser may change both', async () => {
    const { store, clock } = await setUp();
    const ingest = createBrowserIntake({
      store,
      wakeups: noWakeups,
      policy: DEFAULT_POLICY,
      clock,
    });
    await ingest(change(2, 'sam.fixed@example.com'));
    expect(await store.get('web_x')).toMatchObject({
      email: 'sam.fixed@example.com',
      restoreUrl: 'https://shop.example/cart/sam.fixed@example.com',
    });
  });
});
