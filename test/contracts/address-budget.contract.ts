/** The AddressBudget contract (the browser lane's new addresses a day), run against every adapter. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AddressBudget } from '../../src/ports/address-budget.ts';
import { T0 } from '../support/cart-fixtures.ts';

export interface AddressBudgetHarness {
  readonly budget: AddressBudget;
  /** A second handle on the same storage (another process, another Lambda). */
  readonly other: AddressBudget;
  close(): Promise<void>;
}

export interface AddressBudgetContractOptions {
  readonly name: string;
  readonly make: () => Promise<AddressBudgetHarness>;
}

const MON = '2026-11-23';
const TUE = '2026-11-24';

export function runAddressBudgetContract({ name, make }: AddressBudgetContractOptions): void {
  describe(`AddressBudget contract: ${name}`, () => {
    let harness: AddressBudgetHarness;
    let budget: AddressBudget;
    beforeEach(async () => {
      harness = await make();
      budget = harness.budget;
    });
    afterEach(async () => {
      await harness.close();
    });

    it('admits new addresses up to the cap, then is full for the rest of the day', async () => {
      expect(await budget.peek('a@example.com', MON, 2)).toBe('room');
      expect(await budget.admit('a@example.com', MON, 2, T0)).toBe('admitted');
      expect(await budget.admit('b@example.com', MON, 2, T0 + 1)).toBe('admitted');
      expect(await budget.peek('c@example.com', MON, 2)).toBe('full');
      expect(await budget.admit('c@example.com', MON, 2, T0 + 2)).toBe('full');
      // Refused is not admitted: c is still new, and a new day has room for it.
      expect(await budget.peek('c@example.com', TUE, 2)).toBe('room');
      expect(await budget.admit('c@example.com', TUE, 2, T0 + 86_400_000)).toBe('admitted');
    });

    it('never counts an admitted address again, on that day or any other', async () => {
      expect(await budget.admit('a@example.com', MON, 1, T0)).toBe('admitted');
      expect(await budget.admit('a@example.com', MON, 1, T0 + 1)).toBe('known');
      expect(await budget.peek('a@example.com', MON, 1)).toBe('known');
      expect(await budget.admit('a@example.com', TUE, 1, T0 + 86_400_000)).toBe('known');
      // Tuesday's one place is still free.
      expect(await budget.admit('b@example.com', TUE, 1, T0 + 86_400_001)).toBe('admitted');
    });

    it('a cap of 0 admits no new address, and still knows the old ones', async () => {
      expect(await budget.admit('a@example.com', MON, 1, T0)).toBe('admitted');
      expect(await budget.peek('b@example.com', TUE, 0)).toBe('full');
      expect(await budget.admit('b@example.com', TUE, 0, T0)).toBe('full');
      expect(await budget.admit('a@example.com', TUE, 0, T0)).toBe('known');
    });

    it('racing admissions through two handles never pass the cap, and each address counts once', async () => {
      const emails = Array.from({ length: 12 }, (_, i) => `r${i}@example.com`);
      const outcomes = await Promise.all(
        emails.flatMap((email, i) => [
          budget.admit(email, MON, 5, T0 + i),
          harness.other.admit(email, MON, 5, T0 + i),
        ]),
      );
      expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(5);
      // Each admitted address was admitted by exactly one of its two attempts.
      for (const [i, email] of emails.entries()) {
        const pair = [outcomes[2 * i], outcomes[2 * i + 1]];
        if (pair.includes('admitted')) {
          expect(
            pair.filter((o) => o === 'admitted'),
            email,
          ).toHaveLength(1);
          expect(await budget.peek(email, MON, 5)).toBe('known');
        } else {
          expect(await budget.peek(email, MON, 5)).toBe('full');
        }
      }
    });
  });
}
