/**
 * The DueIndex contract (the local timer's claims), run against every engine that can be the
 * local timer. `arm` writes a cart's due time the way that engine's cart store does.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import type { DueIndex } from '../../src/ports/due-index.ts';
import { T0 } from '../support/cart-fixtures.ts';
import { type ContractSkip, contractTest } from './contract-skip.ts';

export interface DueIndexHarness {
  readonly index: DueIndex;
  /** Saves the cart with this due time (null: none), creating its row the first time. */
  arm(cartId: string, at: number | null): Promise<void>;
  close(): Promise<void>;
}

export interface DueIndexContractOptions {
  readonly name: string;
  make(): Promise<DueIndexHarness>;
  readonly skip?: readonly ContractSkip[];
}

const LEASE = 60_000;

export function runDueIndexContract({ name, make, skip }: DueIndexContractOptions): void {
  describe(`DueIndex contract: ${name}`, () => {
    const test = contractTest(`DueIndex contract: ${name}`, skip);
    let harness: DueIndexHarness;
    let index: DueIndex;
    beforeEach(async () => {
      harness = await make();
      index = harness.index;
    });
    afterEach(async () => {
      await harness.close();
    });

    test('claims nothing and knows no next time while nothing is armed', async () => {
      await harness.arm('c_none', null);
      expect(await index.claimDue(T0, 10, LEASE)).toEqual([]);
      expect(await index.nextDueAt()).toBeNull();
    });

    test('claims what is due at now, earliest first, up to the limit, and nothing later', async () => {
      await harness.arm('c_late', T0 - 1_000);
      await harness.arm('c_early', T0 - 5_000);
      await harness.arm('c_now', T0);
      await harness.arm('c_future', T0 + 1);
      expect(await index.claimDue(T0, 2, LEASE)).toEqual(['c_early', 'c_late']);
      expect(await index.claimDue(T0, 10, LEASE)).toEqual(['c_now']);
      expect(await index.claimDue(T0, 10, LEASE)).toEqual([]);
    });

    test('hides a claim for the lease, then hands it out again (its wake-up was not settled)', async () => {
      await harness.arm('c_1', T0);
      expect(await index.claimDue(T0, 10, LEASE)).toEqual(['c_1']);
      expect(await index.claimDue(T0 + LEASE - 1, 10, LEASE)).toEqual([]);
      expect(await index.nextDueAt()).toBe(T0 + LEASE);
      expect(await index.claimDue(T0 + LEASE, 10, LEASE)).toEqual(['c_1']);
    });

    test('a save after the claim settles it: moved later or cancelled, it is not handed out at the lease', async () => {
      await harness.arm('c_moved', T0);
      await harness.arm('c_done', T0);
      await index.claimDue(T0, 10, LEASE);
      await harness.arm('c_moved', T0 + 2 * LEASE);
      await harness.arm('c_done', null);
      expect(await index.claimDue(T0 + LEASE, 10, LEASE)).toEqual([]);
      expect(await index.nextDueAt()).toBe(T0 + 2 * LEASE);
      expect(await index.claimDue(T0 + 2 * LEASE, 10, LEASE)).toEqual(['c_moved']);
    });

    test('answers the earliest armed time as the next, and null once every wake-up is cancelled', async () => {
      await harness.arm('c_b', T0 + 7_000);
      await harness.arm('c_a', T0 + 3_000);
      expect(await index.nextDueAt()).toBe(T0 + 3_000);
      await harness.arm('c_a', null);
      expect(await index.nextDueAt()).toBe(T0 + 7_000);
      await harness.arm('c_b', null);
      expect(await index.nextDueAt()).toBeNull();
    });

    let rounds = 0;
    test('never hands one wake-up to two claims made at once, and hands every due one out', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 20 }),
          fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 4 }),
          async (offsets, limits) => {
            const round = `r${++rounds}`;
            // Each run later than the last, so a lease left by an earlier run never lapses here.
            const now = T0 + rounds * 10 * LEASE;
            const ids = offsets.map((_offset, i) => `${round}_${i}`);
            for (const [i, id] of ids.entries()) await harness.arm(id, now + (offsets[i] ?? 0));
            const due = ids.filter((_id, i) => (offsets[i] ?? 0) <= 0).sort();
            const claimed: string[] = [];
            // Bounded: an index that never stops handing out the same id must fail, not hang.
            for (let look = 0; look <= ids.length; look++) {
              const batch = await Promise.all(limits.map((l) => index.claimDue(now, l, LEASE)));
              if (batch.every((ids) => ids.length === 0)) break;
              claimed.push(...batch.flat());
            }
            expect([...claimed].sort()).toEqual(due);
            for (const id of ids) await harness.arm(id, null);
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}
