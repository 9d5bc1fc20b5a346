/** The OwnerSignOuts contract, run against every adapter of the port. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OwnerSignOuts } from '../../src/ports/owner-sign-outs.ts';
import { T0 } from '../support/cart-fixtures.ts';

export interface OwnerSignOutsHarness {
  readonly signOuts: OwnerSignOuts;
  /** The same storage as a new process (or another Lambda instance) opens it. */
  reopen(): Promise<OwnerSignOuts>;
  close(): Promise<void>;
}

export interface OwnerSignOutsContractOptions {
  readonly name: string;
  readonly make: () => Promise<OwnerSignOutsHarness>;
}

export function runOwnerSignOutsContract({ name, make }: OwnerSignOutsContractOptions): void {
  describe(`OwnerSignOuts contract: ${name}`, () => {
    let harness: OwnerSignOutsHarness;
    let signOuts: OwnerSignOuts;
    beforeEach(async () => {
      harness = await make();
      signOuts = harness.signOuts;
    });
    afterEach(async () => {
      await harness.close();
    });

    it('answers null for an owner who never signed out', async () => {
      expect(await signOuts.lastSignOut('sam')).toBeNull();
    });

    it('keeps each owner apart, and the latest time of each', async () => {
      await signOuts.signOut('sam', T0);
      await signOuts.signOut('alex', T0 + 5);
      await signOuts.signOut('sam', T0 + 10);
      expect(await signOuts.lastSignOut('sam')).toBe(T0 + 10);
      expect(await signOuts.lastSignOut('alex')).toBe(T0 + 5);
    });

    it('never moves back to an earlier time, even when two sign-outs land together', async () => {
      await signOuts.signOut('sam', T0 + 10);
      await signOuts.signOut('sam', T0 + 5);
      expect(await signOuts.lastSignOut('sam')).toBe(T0 + 10);
      await Promise.all([signOuts.signOut('sam', T0 + 30), signOuts.signOut('sam', T0 + 20)]);
      expect(await signOuts.lastSignOut('sam')).toBe(T0 + 30);
    });

    it('is still there for the next process', async () => {
      await signOuts.signOut('sam', T0);
      const next = await harness.reopen();
      expect(await next.lastSignOut('sam')).toBe(T0);
    });
  });
}
