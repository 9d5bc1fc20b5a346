import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteDueIndex } from '../../src/adapters/sqlite/sqlite-due-index.ts';
import { createTimerLoop } from '../../src/adapters/timer/timer-loop.ts';
import { createTimerWakeups } from '../../src/adapters/timer/timer-wakeups.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { makeCart, T0 } from '../support/cart-fixtures.ts';
import { runWakeupsContract } from './wakeups.contract.ts';

runWakeupsContract({
  name: 'local timer (SQLite due column and the timer loop)',
  skip: [
    {
      reason:
        'locally the timer is the row, armed by the cart store’s save; set only pokes the loop and makes no call that can fail',
      tests: ['a backend failure rejects with WakeupsFaultError, cause kept; the retry arms it'],
    },
  ],
  async make() {
    const db = openDatabase({ path: ':memory:' });
    const store = createSqliteCartStore(db);
    const clock = createManualClock(T0);
    const rows = new Map<string, Cart>();
    async function write(cartId: string, at: number | null) {
      const before = rows.get(cartId);
      const cart = { ...(before ?? makeCart({ id: cartId })), wakeAt: at };
      const result = await store.save({
        cart,
        expectedVersion: before?.version ?? null,
        audit: [],
      });
      if (result.kind !== 'saved') throw new Error(`could not write ${cartId}`);
      rows.set(cartId, result.cart);
    }
    let fired: string[] = [];
    const loop = createTimerLoop({
      store: createSqliteDueIndex(db),
      clock,
      // The waiter found nothing more to do: its save clears the due time (and the lease).
      onWake: async (cartId) => {
        fired.push(cartId);
        await write(cartId, null);
      },
      onError: (cartId, error) => {
        throw new Error(`wake-up of ${cartId} failed`, { cause: error });
      },
    });
    const wakeups = createTimerWakeups();
    wakeups.attach(loop);
    return {
      wakeups,
      write,
      async advanceTo(to) {
        clock.set(to);
        fired = [];
        await loop.drain();
        return fired;
      },
      failNext() {},
      close: async () => void db.close(),
    };
  },
});
