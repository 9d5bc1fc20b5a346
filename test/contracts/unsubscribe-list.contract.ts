/** The UnsubscribeList contract, run against every adapter of the port. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredAuditEntry } from '../../src/domain/audit.ts';
import type { UnsubscribeList } from '../../src/ports/unsubscribe-list.ts';
import { DAY, makeAudit, T0 } from '../support/cart-fixtures.ts';

export interface UnsubscribeListHarness {
  readonly list: UnsubscribeList;
  /** Reads back the audit trail the list writes into (the cart store's auditForEmail). */
  auditForEmail(email: string): Promise<StoredAuditEntry[]>;
  close(): Promise<void>;
}

export interface UnsubscribeListContractOptions {
  readonly name: string;
  readonly make: () => Promise<UnsubscribeListHarness>;
}

const PAT = 'pat@example.com';
const unsubscribeAudit = (at = T0) =>
  makeAudit({ cartId: null, email: PAT, action: 'unsubscribe', actor: 'shopper', at });
const resubscribeAudit = (at = T0) =>
  makeAudit({ cartId: null, email: PAT, action: 'resubscribe', actor: 'shopper', at });

export function runUnsubscribeListContract({ name, make }: UnsubscribeListContractOptions): void {
  describe(`UnsubscribeList contract: ${name}`, () => {
    let harness: UnsubscribeListHarness;
    let list: UnsubscribeList;
    beforeEach(async () => {
      harness = await make();
      list = harness.list;
    });
    afterEach(async () => {
      await harness.close();
    });

    it('answers null for an address not on the list', async () => {
      expect(await list.get(PAT)).toBeNull();
    });

    it('adds an address once, with its audit row; a second add is "already" and writes nothing', async () => {
      const block = { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' } as const;
      expect(await list.add(block, unsubscribeAudit())).toBe('added');
      expect(await list.get(PAT)).toEqual(block);
      expect(
        await list.add({ ...block, kind: 'bounced', at: T0 + 1 }, unsubscribeAudit(T0 + 1)),
      ).toBe('already');
      expect(await list.get(PAT)).toEqual(block);
      const audit = await harness.auditForEmail(PAT);
      expect(audit).toMatchObject([
        { action: 'unsubscribe', actor: 'shopper', at: T0, cartId: null },
      ]);
    });

    it("removes an address on the shopper's way back, with its audit row; absent when it was not there", async () => {
      await list.add(
        { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' },
        unsubscribeAudit(),
      );
      expect(await list.remove(PAT, resubscribeAudit(T0 + 5))).toBe('removed');
      expect(await list.get(PAT)).toBeNull();
      expect(await list.remove(PAT, resubscribeAudit(T0 + 6))).toBe('absent');
      const audit = await harness.auditForEmail(PAT);
      expect(audit.map((r) => [r.action, r.at])).toEqual([
        ['unsubscribe', T0],
        ['resubscribe', T0 + 5],
      ]);
    });

    it('counts the blocks added in [from, to) by kind', async () => {
      const add = (email: string, kind: 'unsubscribed' | 'bounced' | 'complained', at: number) =>
        list.add(
          { email, kind, at, actor: 'system' },
          makeAudit({ cartId: null, email, action: 'bounced', at }),
        );
      await add('a@example.com', 'unsubscribed', T0 - 1);
      await add('b@example.com', 'unsubscribed', T0);
      await add('c@example.com', 'bounced', T0 + DAY);
      await add('d@example.com', 'bounced', T0 + 2 * DAY + 5);
      await add('e@example.com', 'complained', T0 + 3 * DAY - 1);
      await add('f@example.com', 'complained', T0 + 3 * DAY);
      expect(await list.countBetween(T0, T0 + 3 * DAY)).toEqual({
        unsubscribed: 1,
        bounced: 2,
        complained: 1,
      });
      expect(await list.countBetween(T0 + 3 * DAY, T0 + 4 * DAY)).toEqual({
        unsubscribed: 0,
        bounced: 0,
        complained: 1,
      });
      expect(await list.countBetween(T0, T0)).toEqual({
        unsubscribed: 0,
        bounced: 0,
        complained: 0,
      });
    });
  });
}
