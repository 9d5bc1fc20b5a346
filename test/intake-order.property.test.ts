/**
 * End to end through the intake use case and a real SQLite store: whatever order the store's
 * webhooks arrive in, and however often, the stored row is the same, duplicates are answered as
 * such, and the wake-up left armed is the row's own.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../src/adapters/sqlite/sqlite-cart-store.ts';
import { createIntake } from '../src/app/intake.ts';
import type { Cart } from '../src/domain/cart.ts';
import { type CartEvent, EventType } from '../src/domain/events.ts';
import { DEFAULT_POLICY } from '../src/domain/policy.ts';
import { createManualClock } from '../src/ports/clock.ts';
import type { Wakeups } from '../src/ports/wakeups.ts';
import { deliveriesArb, EVENTS_CART_ID, EVENTS_T0 } from './support/event-arbitraries.ts';

interface Run {
  readonly row: Cart | null;
  readonly answers: readonly string[];
  /** The time the cart's timer holds after the last set() (null: none, as before any call). */
  readonly armed: number | null;
  /** Each set()'s previous time, beside the time the timer held then (when it moved something). */
  readonly previous: ReadonlyArray<{ readonly given: number; readonly held: number | null }>;
}

async function deliver(deliveries: readonly CartEvent[]): Promise<Run> {
  const db = openDatabase({ path: ':memory:' });
  try {
    const store = createSqliteCartStore(db);
    let armed: number | null = null;
    const previous: Array<{ given: number; held: number | null }> = [];
    const wakeups: Wakeups = {
      async set(_cartId, at, given) {
        if (given !== null) previous.push({ given, held: armed });
        armed = at;
      },
    };
    const ingest = createIntake({
      store,
      wakeups,
      policy: DEFAULT_POLICY,
      clock: createManualClock(EVENTS_T0 + 3_600_000),
    });
    const answers: string[] = [];
    for (const event of deliveries) answers.push((await ingest(event)).kind);
    return { row: await store.get(EVENTS_CART_ID), answers, armed, previous };
  } finally {
    db.close();
  }
}

function withoutVersion(cart: Cart | null): Omit<Cart, 'version'> | null {
  if (cart === null) return null;
  const { version: _version, ...rest } = cart;
  return rest;
}

/** What each delivery should be answered: the first of an id is accepted, a repeat a duplicate. */
function expectedAnswers(deliveries: readonly CartEvent[]): string[] {
  const seen = new Set<string>();
  return deliveries.map((e) => {
    const answer = seen.has(e.id) ? 'duplicate' : 'accepted';
    seen.add(e.id);
    return answer;
  });
}

describe('intake through SQLite is order-independent', () => {
  it('any delivery order with duplicates stores the same row and arms its wake-up', async () => {
    await fc.assert(
      fc.asyncProperty(deliveriesArb, async ([, first, second]) => {
        const a = await deliver(first);
        const b = await deliver(second);
        expect(a.row).not.toBeNull();
        expect(withoutVersion(b.row)).toEqual(withoutVersion(a.row));
        expect(a.answers).toEqual(expectedAnswers(first));
        expect(b.answers).toEqual(expectedAnswers(second));
        for (const run of [a, b]) {
          const bought = first.some((e) => e.type === EventType.checkedOut);
          expect(run.row?.status).toBe(bought ? 'bought' : 'open');
          expect(run.armed).toBe(run.row?.wakeAt);
          // Bought: the one timer left is the end of retention, counted from the purchase.
          const checkout = first.find((e) => e.type === EventType.checkedOut);
          if (checkout)
            expect(run.armed).toBe(checkout.occurredAt + (DEFAULT_POLICY.retainCartsMs ?? 0));
          // Every move names the time being moved away from: the one the timer holds.
          for (const { given, held } of run.previous) expect(given).toBe(held);
        }
      }),
      { numRuns: 200 },
    );
  });
});
