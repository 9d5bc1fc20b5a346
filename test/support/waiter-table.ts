/** The decide() table's rows and how each is run (src/domain/waiter*.test.ts). */
import { describe, expect, it } from 'vitest';
import type { Cart } from '../../src/domain/cart.ts';
import type { Move, WaiterInput } from '../../src/domain/moves.ts';
import { DAY, DEFAULT_POLICY, HOUR, type Policy } from '../../src/domain/policy.ts';
import { decide } from '../../src/domain/waiter.ts';
import { BARE, makeCart } from './cart-fixtures.ts';

export const at = (iso: string) => Date.parse(iso);
export const MIN = 60_000;
// Last activity at 09:00 UTC: step 1 due 10:00, step 2 next day 09:00, step 3 three days later;
// all in daytime UTC, so quiet hours (store zone UTC) hold only where a test says so.
export const ACTIVE = at('2026-06-10T09:00:00Z');
export const STEP1 = ACTIVE + HOUR;
export const STEP2 = ACTIVE + 24 * HOUR;
export const STEP3 = ACTIVE + 72 * HOUR;
export const GIVE_UP = ACTIVE + 7 * DAY;

export function cart(over: Partial<Cart> = {}): Cart {
  return makeCart({
    ...BARE,
    // Something to bring back, or the waiter never nudges (nothing_to_recover).
    items: [{ sku: 'MUG', name: 'Mug', quantity: 1, priceMinor: 100, url: null, imageUrl: null }],
    totalMinor: 100,
    restoreUrl: 'https://shop.example/cart/c_1',
    currency: 'EUR',
    createdAt: ACTIVE,
    lastActivityAt: ACTIVE,
    version: 1,
    ...over,
  });
}

export interface Row {
  readonly name: string;
  readonly cart?: Partial<Cart>;
  readonly input?: Partial<Omit<WaiterInput, 'cart'>>;
  readonly policy?: Partial<Policy>;
  readonly want: Move;
}

export function build(row: Row): WaiterInput {
  return {
    cart: cart(row.cart),
    addressBlock: null,
    recentSendsToAddress: [],
    newestOpenCartId: 'c_1',
    lastPurchaseByAddress: null,
    senderPaused: false,
    heldOut: false,
    snippetBudgetFull: false,
    now: STEP1,
    ...row.input,
    policy: { ...DEFAULT_POLICY, ...row.input?.policy, ...row.policy },
  };
}

export function wakeTimes(move: Move): Array<number | null> {
  switch (move.move) {
    case 'still_shopping':
      return [move.wakeAt];
    case 'wait':
      return [move.wakeAt];
    case 'nudge':
      return [move.wakeAtAfter];
    case 'let_go':
      return [];
  }
}

/** Runs a table of rows through decide(): each gets its move, and every wake-up is ahead. */
export function describeDecide(rows: readonly Row[]): void {
  describe('decide', () => {
    it.each(rows)('$name', (row) => {
      const input = build(row);
      const move = decide(input);
      expect(move).toEqual(row.want);
      for (const t of wakeTimes(move)) {
        if (t !== null) expect(t).toBeGreaterThan(input.now);
      }
    });

    it('an open cart always gets a wake-up; a final one never does', () => {
      for (const row of rows) {
        const input = build(row);
        const move = decide(input);
        const wakes = wakeTimes(move);
        if (input.cart.status !== 'open') expect(wakes).toEqual([null]);
        else if (move.move !== 'let_go') expect(wakes.every((t) => t !== null)).toBe(true);
      }
    });
  });
}
