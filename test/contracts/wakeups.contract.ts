/**
 * The Wakeups contract: a wake-up armed, moved, cancelled or re-armed fires when the row says,
 * once, and never before. Run against the local timer (the row's due column, polled by the timer
 * loop) and EventBridge Scheduler (over its stand-in). Fire times are whole seconds an hour or
 * more ahead, so Scheduler's rounding up to the second and its 5 s floor do not move them.
 */
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { type Wakeups, WakeupsFaultError } from '../../src/ports/wakeups.ts';
import { HOUR, T0 } from '../support/cart-fixtures.ts';
import { type ContractSkip, contractTest } from './contract-skip.ts';

export interface WakeupsHarness {
  readonly wakeups: Wakeups;
  /**
   * Writes the cart's due time where this backend keeps it before `set` is called: the local
   * timer's row (the cart store's save); nothing where the timer lives apart from the row.
   */
  write(cartId: string, at: number | null): Promise<void>;
  /**
   * Moves the clock (it starts at T0) to `to` and returns the carts whose wake-up fired by then,
   * in firing order. A fired wake-up is spent, as after a waiter that found nothing more to do.
   */
  advanceTo(to: number): Promise<string[]>;
  /** Makes the backend's next call fail as it does under load (Scheduler: throttling). */
  failNext(): void;
  close(): Promise<void>;
}

export interface WakeupsContractOptions {
  readonly name: string;
  make(): Promise<WakeupsHarness>;
  readonly skip?: readonly ContractSkip[];
}

export function runWakeupsContract({ name, make, skip }: WakeupsContractOptions): void {
  describe(`Wakeups contract: ${name}`, () => {
    const test = contractTest(`Wakeups contract: ${name}`, skip);
    let h: WakeupsHarness;
    beforeEach(async () => {
      h = await make();
    });
    afterEach(async () => {
      await h.close();
    });

    /** What the app does: write the row, then make the timer match it. */
    async function arm(cartId: string, at: number | null, previous: number | null) {
      await h.write(cartId, at);
      await h.wakeups.set(cartId, at, previous);
    }

    test('fires a new wake-up at its time, not before, and once', async () => {
      await arm('c_1', T0 + HOUR, null);
      expect(await h.advanceTo(T0 + HOUR - 1_000)).toEqual([]);
      expect(await h.advanceTo(T0 + HOUR)).toEqual(['c_1']);
      expect(await h.advanceTo(T0 + 5 * HOUR)).toEqual([]);
    });

    test('moves an unfired wake-up later or earlier: it fires at the new time only', async () => {
      await arm('c_later', T0 + HOUR, null);
      await arm('c_earlier', T0 + 3 * HOUR, null);
      await arm('c_later', T0 + 2 * HOUR, T0 + HOUR);
      await arm('c_earlier', T0 + HOUR, T0 + 3 * HOUR);
      expect(await h.advanceTo(T0 + HOUR)).toEqual(['c_earlier']);
      expect(await h.advanceTo(T0 + 2 * HOUR)).toEqual(['c_later']);
      expect(await h.advanceTo(T0 + 5 * HOUR)).toEqual([]);
    });

    test('cancels an unfired wake-up: it never fires, and the other carts’ still do', async () => {
      await arm('c_cancelled', T0 + HOUR, null);
      await arm('c_kept', T0 + HOUR, null);
      await arm('c_cancelled', null, T0 + HOUR);
      expect(await h.advanceTo(T0 + 5 * HOUR)).toEqual(['c_kept']);
    });

    test('takes an arm delivered twice, or a repair with no previous time, as one wake-up', async () => {
      await arm('c_1', T0 + HOUR, null);
      await h.wakeups.set('c_1', T0 + HOUR, null);
      await h.wakeups.set('c_1', T0 + HOUR, T0 + HOUR);
      expect(await h.advanceTo(T0 + 5 * HOUR)).toEqual(['c_1']);
    });

    test('re-arms after a wake-up fired: the next one fires, the spent one does not come back', async () => {
      await arm('c_1', T0 + HOUR, null);
      expect(await h.advanceTo(T0 + HOUR)).toEqual(['c_1']);
      await arm('c_1', T0 + 2 * HOUR, T0 + HOUR);
      expect(await h.advanceTo(T0 + 2 * HOUR - 1_000)).toEqual([]);
      expect(await h.advanceTo(T0 + 2 * HOUR)).toEqual(['c_1']);
      await arm('c_1', null, T0 + 2 * HOUR);
      expect(await h.advanceTo(T0 + 5 * HOUR)).toEqual([]);
    });

    test('fires a wake-up armed for a time already past within a minute', async () => {
      await arm('c_overdue', T0 - HOUR, null);
      expect(await h.advanceTo(T0 + 60_000)).toEqual(['c_overdue']);
    });

    test('a backend failure rejects with WakeupsFaultError, cause kept; the retry arms it', async () => {
      await h.write('c_1', T0 + HOUR);
      h.failNext();
      const error = await h.wakeups.set('c_1', T0 + HOUR, null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WakeupsFaultError);
      expect((error as WakeupsFaultError).cause).toBeInstanceOf(Error);
      expect((error as WakeupsFaultError).port).toBe('wakeups');
      await h.wakeups.set('c_1', T0 + HOUR, null);
      expect(await h.advanceTo(T0 + HOUR)).toEqual(['c_1']);
    });
  });
}
