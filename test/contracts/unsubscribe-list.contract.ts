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
const systemAudit = (action: 'bounced' | 'complained', at: number) =>
  makeAudit({ cartId: null, email: PAT, action, actor: 'system', at });
/** The owner `sam` unsubscribing PAT (the shopper phoned and asked). */
const ownerAudit = (at: number) =>
  makeAudit({ cartId: null, email: PAT, action: 'unsubscribe', actor: 'sam', at });
const byShopper = (at = T0) =>
  ({ email: PAT, kind: 'unsubscribed', at, actor: 'shopper' }) as const;
const byOwner = (at: number) => ({ email: PAT, kind: 'unsubscribed', at, actor: 'sam' }) as const;

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

    it('adds an address once, with its audit row; a second add of the same kind is "already" and writes nothing', async () => {
      const block = { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' } as const;
      expect(await list.add(block, unsubscribeAudit())).toBe('added');
      expect(await list.get(PAT)).toEqual(block);
      expect(await list.add({ ...block, at: T0 + 1 }, unsubscribeAudit(T0 + 1))).toBe('already');
      expect(await list.get(PAT)).toEqual(block);
      const audit = await harness.auditForEmail(PAT);
      expect(audit).toMatchObject([
        { action: 'unsubscribe', actor: 'shopper', at: T0, cartId: null },
      ]);
    });

    it('upgrades an unsubscribe to a complaint: new kind, actor and time, its own audit row, counted from then', async () => {
      await list.add(
        { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' },
        unsubscribeAudit(),
      );
      const at = T0 + 2 * DAY;
      const complained = { email: PAT, kind: 'complained', at, actor: 'system' } as const;
      expect(await list.add(complained, systemAudit('complained', at))).toBe('upgraded');
      expect(await list.get(PAT)).toEqual(complained);
      expect((await harness.auditForEmail(PAT)).map((r) => [r.action, r.actor, r.at])).toEqual([
        ['unsubscribe', 'shopper', T0],
        ['complained', 'system', at],
      ]);
      // Counted where the complaint happened, not where the unsubscribe did.
      expect(await list.countBetween(at, at + DAY)).toEqual({
        unsubscribed: 0,
        bounced: 0,
        complained: 1,
      });
      expect(await list.countBetween(T0, at)).toEqual({
        unsubscribed: 0,
        bounced: 0,
        complained: 0,
      });
    });

    it('climbs unsubscribed < bounced < complained, and never back down; a repeat is "already"', async () => {
      const add = (kind: 'unsubscribed' | 'bounced' | 'complained', at: number) =>
        list.add(
          { email: PAT, kind, at, actor: kind === 'unsubscribed' ? 'shopper' : 'system' },
          kind === 'unsubscribed'
            ? unsubscribeAudit(at)
            : systemAudit(kind === 'bounced' ? 'bounced' : 'complained', at),
        );
      expect(await add('unsubscribed', T0)).toBe('added');
      expect(await add('bounced', T0 + 1)).toBe('upgraded');
      expect(await add('bounced', T0 + 2)).toBe('already');
      expect(await add('unsubscribed', T0 + 3)).toBe('already');
      expect(await add('complained', T0 + 4)).toBe('upgraded');
      expect(await add('complained', T0 + 5)).toBe('already');
      expect(await add('bounced', T0 + 6)).toBe('already');
      expect(await add('unsubscribed', T0 + 7)).toBe('already');
      expect(await list.get(PAT)).toEqual({
        email: PAT,
        kind: 'complained',
        at: T0 + 4,
        actor: 'system',
      });
      expect((await harness.auditForEmail(PAT)).map((r) => [r.action, r.at])).toEqual([
        ['unsubscribe', T0],
        ['bounced', T0 + 1],
        ['complained', T0 + 4],
      ]);
    });

    it('settles two copies of one complaint arriving together: one upgrade, one "already", one audit row', async () => {
      await list.add(
        { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' },
        unsubscribeAudit(),
      );
      const complaint = (at: number) =>
        list.add(
          { email: PAT, kind: 'complained', at, actor: 'system' },
          systemAudit('complained', at),
        );
      const outcomes = await Promise.all([complaint(T0 + 10), complaint(T0 + 20)]);
      expect(outcomes.toSorted()).toEqual(['already', 'upgraded']);
      const audit = await harness.auditForEmail(PAT);
      expect(audit.filter((r) => r.action === 'complained')).toHaveLength(1);
      const block = await list.get(PAT);
      expect(block?.kind).toBe('complained');
      expect(audit.at(-1)?.at).toBe(block?.at);
    });

    it('never lets a bounce racing a complaint write over it', async () => {
      await list.add(
        { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' },
        unsubscribeAudit(),
      );
      const outcomes = await Promise.all([
        list.add(
          { email: PAT, kind: 'bounced', at: T0 + 10, actor: 'system' },
          systemAudit('bounced', T0 + 10),
        ),
        list.add(
          { email: PAT, kind: 'complained', at: T0 + 20, actor: 'system' },
          systemAudit('complained', T0 + 20),
        ),
      ]);
      expect(outcomes[1]).toBe('upgraded');
      expect(await list.get(PAT)).toMatchObject({ kind: 'complained', at: T0 + 20 });
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

    it('keeps a bounce or a complaint: the resubscribe path lifts only an unsubscribe', async () => {
      await list.add(
        { email: PAT, kind: 'unsubscribed', at: T0, actor: 'shopper' },
        unsubscribeAudit(),
      );
      await list.add(
        { email: PAT, kind: 'complained', at: T0 + 1, actor: 'system' },
        systemAudit('complained', T0 + 1),
      );
      expect(await list.remove(PAT, resubscribeAudit(T0 + 2))).toBe('kept');
      expect(await list.get(PAT)).toMatchObject({ kind: 'complained' });
      const bounced = 'kim@example.com';
      await list.add(
        { email: bounced, kind: 'bounced', at: T0, actor: 'system' },
        makeAudit({ cartId: null, email: bounced, action: 'bounced', at: T0 }),
      );
      expect(
        await list.remove(
          bounced,
          makeAudit({ cartId: null, email: bounced, action: 'resubscribe', actor: 'shopper' }),
        ),
      ).toBe('kept');
      expect(await list.get(bounced)).toMatchObject({ kind: 'bounced' });
      expect((await harness.auditForEmail(PAT)).map((r) => r.action)).toEqual([
        'unsubscribe',
        'complained',
      ]);
      expect((await harness.auditForEmail(bounced)).map((r) => r.action)).toEqual(['bounced']);
    });

    it("keeps an owner's unsubscribe: the shopper's way back is kept_by_other and writes nothing", async () => {
      expect(await list.add(byOwner(T0), ownerAudit(T0))).toBe('added');
      expect(await list.remove(PAT, resubscribeAudit(T0 + 5))).toBe('kept_by_other');
      expect(await list.get(PAT)).toEqual(byOwner(T0));
      expect((await harness.auditForEmail(PAT)).map((r) => [r.action, r.actor])).toEqual([
        ['unsubscribe', 'sam'],
      ]);
    });

    it("an owner's unsubscribe takes over the shopper's: upgraded, the owner's from the same time on", async () => {
      await list.add(byShopper(), unsubscribeAudit());
      expect(await list.add(byOwner(T0 + DAY), ownerAudit(T0 + DAY))).toBe('upgraded');
      // Unsubscribed since T0 all along: sender health does not count a second unsubscribe.
      expect(await list.get(PAT)).toEqual(byOwner(T0));
      expect((await list.countBetween(T0, T0 + 1)).unsubscribed).toBe(1);
      expect((await list.countBetween(T0 + 1, T0 + 2 * DAY)).unsubscribed).toBe(0);
      expect(await list.remove(PAT, resubscribeAudit(T0 + 2 * DAY))).toBe('kept_by_other');
      expect(await list.get(PAT)).toEqual(byOwner(T0));
      // The shopper unsubscribing again changes nothing: the owner's word stays the block.
      expect(await list.add(byShopper(T0 + 3 * DAY), unsubscribeAudit(T0 + 3 * DAY))).toBe(
        'already',
      );
      expect((await list.get(PAT))?.actor).toBe('sam');
      expect((await harness.auditForEmail(PAT)).map((r) => [r.action, r.actor])).toEqual([
        ['unsubscribe', 'shopper'],
        ['unsubscribe', 'sam'],
      ]);
    });

    it("a second owner's unsubscribe is already: the first owner's block stands", async () => {
      await list.add(byOwner(T0), ownerAudit(T0));
      const alex = { ...byOwner(T0 + 1), actor: 'alex' };
      expect(
        await list.add(
          alex,
          makeAudit({ cartId: null, email: PAT, action: 'unsubscribe', actor: 'alex', at: T0 + 1 }),
        ),
      ).toBe('already');
      expect(await list.get(PAT)).toEqual(byOwner(T0));
    });

    it("settles the shopper's way back racing the owner's unsubscribe: the owner's block stands either way", async () => {
      await list.add(byShopper(), unsubscribeAudit());
      const [removed, added] = await Promise.all([
        list.remove(PAT, resubscribeAudit(T0 + 10)),
        list.add(byOwner(T0 + 20), ownerAudit(T0 + 20)),
      ]);
      // Lifted first, then unsubscribed by the owner; or taken over first, then kept.
      expect([
        ['removed', 'added'],
        ['kept_by_other', 'upgraded'],
      ]).toContainEqual([removed, added]);
      expect((await list.get(PAT))?.actor).toBe('sam');
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
