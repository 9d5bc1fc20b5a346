import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BARE, makeCart } from '../../test/support/cart-fixtures.ts';
import type { Cart } from './cart.ts';
import { shopperZone } from './gate.ts';
import type { Move, WaiterInput } from './moves.ts';
import { DAY, DEFAULT_POLICY, giveUpAt, HOUR, nextWakeAt, type Policy } from './policy.ts';
import { decide, nothingToRecover } from './waiter.ts';
import { isQuietAt } from './zoned-time.ts';

const MIN = 60_000;
const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
const T0 = Date.parse('2026-01-01T00:00:00Z');
const T1 = Date.parse('2027-01-01T00:00:00Z');

/** Something to bring back: one item and a link to the cart (nothingToRecover is false). */
const RECOVERABLE = {
  items: [{ sku: 'MUG', name: 'Mug', quantity: 1, priceMinor: 100, url: null, imageUrl: null }],
  restoreUrl: 'https://shop.example/cart/c_1',
} satisfies Partial<Cart>;

function baseCart(over: Partial<Cart>): Cart {
  return makeCart({
    ...BARE,
    ...RECOVERABLE,
    currency: 'EUR',
    totalMinor: 100,
    createdAt: T0,
    lastActivityAt: T0,
    version: 1,
    ...over,
  });
}

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    cadence: fc.uniqueArray(fc.integer({ min: 1_000, max: 5 * DAY }), {
      minLength: 1,
      maxLength: 4,
    }),
    giveUpAfterMs: fc.integer({ min: MIN, max: 10 * DAY }),
    quietHours: fc.option(
      fc
        .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 }))
        .filter(([s, e]) => s !== e)
        .map(([startMinute, endMinute]) => ({ startMinute, endMinute })),
      { freq: 4 },
    ),
    storeTimeZone: fc.constantFrom(...ZONES),
    frequencyCapMs: fc.option(fc.integer({ min: MIN, max: 2 * DAY }), { freq: 4 }),
    requireConsent: fc.boolean(),
  })
  .map(({ cadence, ...rest }) => ({
    ...DEFAULT_POLICY,
    ...rest,
    cadenceMs: [...cadence].sort((a, b) => a - b),
  }));

function wakeOf(move: Move): number | null {
  switch (move.move) {
    case 'still_shopping':
    case 'wait':
      return move.wakeAt;
    case 'nudge':
      return move.wakeAtAfter;
    case 'let_go':
      return null;
  }
}

function zoneOf(input: WaiterInput): string {
  return shopperZone(input.cart.timezone, input.policy.storeTimeZone);
}

function quietNow(input: WaiterInput): boolean {
  const q = input.policy.quietHours;
  return q !== null && isQuietAt(input.now, zoneOf(input), q);
}

function capped(input: WaiterInput): boolean {
  const cap = input.policy.frequencyCapMs;
  return cap !== null && input.recentSendsToAddress.some((s) => s + cap > input.now);
}

/** true about one time in five: most generated carts should get as far as the gate. */
const rarely = fc.integer({ min: 0, max: 4 }).map((n) => n === 0);

/** A value about one time in five, else null. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
}

const inputArb: fc.Arbitrary<WaiterInput> = policyArb.chain((policy) => {
  const steps = policy.cadenceMs.length;
  return fc
    .record({
      status: fc.constantFrom('open', 'open', 'open', 'bought', 'closed'),
      remindersSent: fc.integer({ min: 0, max: steps }),
      claimedStep: fc.option(fc.integer({ min: 0, max: steps }), { freq: 2 }),
      lastActivityAt: fc.integer({ min: T0, max: T1 }),
      email: fc.option(fc.constant('sam@example.com'), { freq: 6 }),
      timezone: fc.option(fc.constantFrom(...ZONES, 'Not/AZone')),
      consent: fc.constantFrom(null, true, false),
      addressBlock: sometimes(fc.constantFrom('unsubscribed', 'bounced', 'complained')),
      sendAges: fc.array(fc.integer({ min: 0, max: 3 * DAY }), { maxLength: 3 }),
      newestOpenCartId: fc.constantFrom('c_1', 'c_1', 'c_1', 'c_2', null),
      senderPaused: rarely,
      heldOut: rarely,
      snippetBudgetFull: rarely,
      /** The address's last purchase, relative to the cart's last activity. */
      purchaseOffset: sometimes(fc.integer({ min: -3 * DAY, max: 3 * DAY })),
      /** What the cart lacks, if anything: items, a total, or a link back. */
      lacks: fc.constantFrom(null, null, null, null, 'items', 'total', 'link'),
      sinceActivity: fc.oneof(
        fc.integer({ min: -DAY, max: policy.giveUpAfterMs + 2 * DAY }),
        // Right around a step's due time or the give-up age, where off-by-ones live.
        fc
          .tuple(
            fc.constantFrom(...policy.cadenceMs, policy.giveUpAfterMs),
            fc.integer({ min: -2_000, max: 2_000 }),
          )
          .map(([t, d]) => t + d),
      ),
    })
    .map((r): WaiterInput => {
      const now = r.lastActivityAt + r.sinceActivity;
      return {
        cart: baseCart({
          status: r.status,
          closedReason: r.status === 'closed' ? 'suppressed' : null,
          remindersSent: r.remindersSent,
          claimedStep: r.claimedStep,
          lastActivityAt: r.lastActivityAt,
          email: r.email,
          timezone: r.timezone,
          consent: r.consent,
          ...(r.lacks === 'items' ? { items: [] } : {}),
          ...(r.lacks === 'total' ? { totalMinor: 0 } : {}),
          ...(r.lacks === 'link' ? { restoreUrl: null } : {}),
        }),
        lastPurchaseByAddress:
          r.purchaseOffset === null ? null : r.lastActivityAt + r.purchaseOffset,
        addressBlock: r.addressBlock,
        recentSendsToAddress: r.sendAges.map((age) => now - age),
        newestOpenCartId: r.newestOpenCartId,
        senderPaused: r.senderPaused,
        heldOut: r.heldOut,
        snippetBudgetFull: r.snippetBudgetFull,
        policy,
        now,
      };
    });
});

describe('decide on random inputs', () => {
  it('never nudges when it must not; steps, wake times and give-up hold', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const move = decide(input);
        expect(decide(structuredClone(input))).toEqual(move);
        const { cart, policy, now } = input;
        const end = giveUpAt(cart, policy);
        const wake = wakeOf(move);
        if (wake !== null) {
          expect(wake).toBeGreaterThan(now);
          expect(wake).toBeLessThanOrEqual(end);
        }
        if (cart.status !== 'open') {
          expect(move).toMatchObject({ move: 'still_shopping', wakeAt: null });
          return;
        }
        expect(move.move === 'let_go').toBe(now >= end);
        if (move.move !== 'let_go') expect(wake).not.toBeNull();
        if (move.move !== 'nudge') return;
        expect(input.addressBlock).toBeNull();
        expect(input.heldOut).toBe(false);
        expect(cart.email).not.toBeNull();
        expect(quietNow(input)).toBe(false);
        expect(capped(input)).toBe(false);
        expect(input.senderPaused).toBe(false);
        // The browser lane's day of new addresses is spent: this one is not mailed.
        expect(input.snippetBudgetFull).toBe(false);
        expect(nothingToRecover(cart)).toBe(false);
        // The purchase guard: never a reminder to an address that bought since (or just before).
        const purchase = input.lastPurchaseByAddress;
        if (purchase !== null) {
          expect(purchase).toBeLessThan(cart.lastActivityAt - policy.boughtGraceMs);
        }
        expect(policy.requireConsent && cart.consent === false).toBe(false);
        expect([null, cart.id]).toContain(input.newestOpenCartId);
        const spent = Math.max(cart.remindersSent, cart.claimedStep ?? 0);
        expect(move.step).toBe(spent + 1);
        expect(move.step).toBeLessThanOrEqual(policy.cadenceMs.length);
        expect(now).toBeGreaterThanOrEqual(cart.lastActivityAt + (policy.cadenceMs[spent] ?? 0));
      }),
      { numRuns: 2000 },
    );
  });
});

const fireArb = fc.record({
  /** How late the timer fires after its armed time. */
  late: fc.oneof(
    { weight: 3, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 * DAY }) },
    // Early: a timer that fires before its time must not send early.
    { weight: 1, arbitrary: fc.integer({ min: -HOUR, max: -1 }) },
  ),
  /** Fires again at the same moment as the previous fire (a duplicate delivery). */
  duplicate: fc.boolean(),
  /** Shopper activity somewhere between the previous fire and this one. */
  activity: sometimes(fc.double({ min: 0, max: 1, noNaN: true })),
  /** Another cart of the same address was reminded in between. */
  otherSend: sometimes(fc.double({ min: 0, max: 1, noNaN: true })),
  senderPaused: rarely,
});

const timelineArb = fc.record({
  policy: policyArb,
  start: fc.integer({ min: T0, max: T1 }),
  timezone: fc.option(fc.constantFrom(...ZONES)),
  heldOut: rarely,
  blocked: rarely,
  fires: fc.array(fireArb, { maxLength: 40 }),
});

const ON_TIME = { late: 0, duplicate: false, activity: null, otherSend: null, senderPaused: false };
const MAX_WAKES = 2_000;

describe('decide over a simulated timeline', () => {
  it('one nudge per step, in order, when due, outside quiet hours and the cap; always let go', () => {
    fc.assert(
      fc.property(timelineArb, ({ policy, start, timezone, heldOut, blocked, fires }) => {
        let cart = baseCart({ lastActivityAt: start, createdAt: start, timezone });
        const sends: number[] = [];
        const nudgedSteps: number[] = [];
        const maxLate = Math.max(0, ...fires.map((f) => f.late));
        let now = start;
        let armed = nextWakeAt(cart, policy);
        for (let i = 0; i < MAX_WAKES; i++) {
          const fire = fires[i] ?? ON_TIME;
          const before = now;
          const nextFire = fire.duplicate && i > 0 ? now : armed;
          if (fire.activity !== null) {
            const t = before + Math.floor(fire.activity * (nextFire - before));
            if (t > cart.lastActivityAt) {
              // Intake moves the one wake-up when the shopper is active.
              cart = { ...cart, lastActivityAt: t };
              armed = nextWakeAt(cart, policy);
            }
          }
          if (fire.otherSend !== null) {
            sends.push(before + Math.floor(fire.otherSend * (nextFire - before)));
          }
          now = Math.max(now, (fire.duplicate && i > 0 ? now : armed) + fire.late);
          const input: WaiterInput = {
            cart,
            addressBlock: blocked ? 'bounced' : null,
            recentSendsToAddress: sends.filter((s) => s <= now),
            newestOpenCartId: cart.id,
            lastPurchaseByAddress: null,
            senderPaused: fire.senderPaused,
            heldOut,
            snippetBudgetFull: false,
            policy,
            now,
          };
          const move = decide(input);
          if (move.move === 'let_go') {
            const end = giveUpAt(cart, policy);
            expect(now).toBeGreaterThanOrEqual(end);
            expect(now).toBeLessThanOrEqual(end + maxLate);
            return;
          }
          const wake = wakeOf(move);
          expect(wake).not.toBeNull();
          expect(wake).toBeGreaterThan(now);
          armed = wake ?? Number.NaN;
          if (move.move !== 'nudge') continue;
          expect(blocked || heldOut).toBe(false);
          expect(move.step).toBe(cart.remindersSent + 1);
          expect(nudgedSteps.every((s) => s < move.step)).toBe(true);
          expect(now).toBeGreaterThanOrEqual(
            cart.lastActivityAt + (policy.cadenceMs[move.step - 1] ?? Number.NaN),
          );
          expect(quietNow(input)).toBe(false);
          const cap = policy.frequencyCapMs;
          if (cap !== null)
            expect(input.recentSendsToAddress.every((s) => now - s >= cap)).toBe(true);
          nudgedSteps.push(move.step);
          sends.push(now);
          cart = { ...cart, remindersSent: move.step, claimedStep: move.step, lastReminderAt: now };
        }
        expect.fail(`cart not let go after ${MAX_WAKES} wake-ups`);
      }),
      { numRuns: 500 },
    );
  });
});
