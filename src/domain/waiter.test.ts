import { describe, expect, it } from 'vitest';
import { BARE, makeCart } from '../../test/support/cart-fixtures.ts';
import type { Cart } from './cart.ts';
import type { Move, WaiterInput } from './moves.ts';
import { DAY, DEFAULT_POLICY, HOUR, type Policy } from './policy.ts';
import { decide } from './waiter.ts';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
// Last activity at 09:00 UTC: step 1 due 10:00, step 2 next day 09:00, step 3 three days later;
// all in daytime UTC, so quiet hours (store zone UTC) hold only where a test says so.
const ACTIVE = at('2026-06-10T09:00:00Z');
const STEP1 = ACTIVE + HOUR;
const STEP2 = ACTIVE + 24 * HOUR;
const STEP3 = ACTIVE + 72 * HOUR;
const GIVE_UP = ACTIVE + 7 * DAY;

function cart(over: Partial<Cart> = {}): Cart {
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

interface Row {
  readonly name: string;
  readonly cart?: Partial<Cart>;
  readonly input?: Partial<Omit<WaiterInput, 'cart'>>;
  readonly policy?: Partial<Policy>;
  readonly want: Move;
}

function build(row: Row): WaiterInput {
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

const rows: Row[] = [
  // a. final carts: no mail, no wake-up
  {
    name: 'checkout raced the wake-up: bought, step due, gate open -> no mail',
    cart: { status: 'bought', boughtAt: STEP1 - MIN },
    want: { move: 'still_shopping', reason: 'bought', wakeAt: null },
  },
  {
    name: 'closed (suppressed) cart',
    cart: { status: 'closed', closedReason: 'suppressed' },
    want: { move: 'still_shopping', reason: 'closed', wakeAt: null },
  },
  {
    name: 'bought long after give-up is still just bought',
    cart: { status: 'bought' },
    input: { now: GIVE_UP + DAY },
    want: { move: 'still_shopping', reason: 'bought', wakeAt: null },
  },
  // b. give-up wins
  {
    name: 'every step sent, give-up reached',
    cart: { remindersSent: 3 },
    input: { now: GIVE_UP },
    want: { move: 'let_go', reason: 'all_steps_sent' },
  },
  {
    name: 'give-up wins over a due step',
    cart: { remindersSent: 2 },
    input: { now: GIVE_UP + HOUR },
    want: { move: 'let_go', reason: 'gave_up' },
  },
  {
    name: 'give-up wins over a blocked address, quiet hours and the cap',
    cart: { remindersSent: 1, timezone: 'Asia/Tokyo' },
    input: {
      now: GIVE_UP,
      addressBlock: 'unsubscribed',
      recentSendsToAddress: [GIVE_UP - HOUR],
    },
    want: { move: 'let_go', reason: 'gave_up' },
  },
  {
    name: 'a give-up age shorter than the cadence lets go before the last step',
    cart: { remindersSent: 2 },
    policy: { giveUpAfterMs: 2 * DAY },
    input: { now: ACTIVE + 2 * DAY },
    want: { move: 'let_go', reason: 'gave_up' },
  },
  // b2. nothing a reminder could bring back
  {
    name: 'no items: never nudged, looked at again at give-up',
    cart: { items: [] },
    want: { move: 'still_shopping', reason: 'nothing_to_recover', wakeAt: GIVE_UP },
  },
  {
    name: 'a zero total: never nudged',
    cart: { totalMinor: 0 },
    want: { move: 'still_shopping', reason: 'nothing_to_recover', wakeAt: GIVE_UP },
  },
  {
    name: 'no restore link: never nudged',
    cart: { restoreUrl: null },
    want: { move: 'still_shopping', reason: 'nothing_to_recover', wakeAt: GIVE_UP },
  },
  {
    name: 'nothing to recover and nothing sent: let go as nothing_to_recover',
    cart: { items: [] },
    input: { now: GIVE_UP },
    want: { move: 'let_go', reason: 'nothing_to_recover' },
  },
  {
    name: 'emptied after a reminder: let go as gave_up (a reminder did go out)',
    cart: { items: [], remindersSent: 1 },
    input: { now: GIVE_UP },
    want: { move: 'let_go', reason: 'gave_up' },
  },
  // b3. the purchase guard
  {
    name: 'the address bought another cart after this one was last active -> no mail',
    input: { lastPurchaseByAddress: ACTIVE + 10 * MIN },
    want: { move: 'still_shopping', reason: 'bought_elsewhere', wakeAt: GIVE_UP },
  },
  {
    name: 'bought elsewhere wins over quiet hours (checked first)',
    cart: { timezone: 'Asia/Tokyo' },
    input: { now: at('2026-06-10T14:00:00Z'), lastPurchaseByAddress: ACTIVE - HOUR },
    want: { move: 'still_shopping', reason: 'bought_elsewhere', wakeAt: GIVE_UP },
  },
  {
    name: 'a purchase more than the grace before this cart: chased as usual',
    input: { lastPurchaseByAddress: ACTIVE - 25 * HOUR },
    want: { move: 'nudge', step: 1, wakeAtAfter: STEP2 },
  },
  // c. every step spent
  {
    name: 'every step sent: wait quietly for give-up',
    cart: { remindersSent: 3 },
    input: { now: STEP3 + HOUR },
    want: { move: 'still_shopping', reason: 'active', wakeAt: GIVE_UP },
  },
  {
    name: 'last step claimed but not recorded: never resent',
    cart: { remindersSent: 2, claimedStep: 3 },
    input: { now: STEP3 + MIN },
    want: { move: 'still_shopping', reason: 'claimed', wakeAt: GIVE_UP },
  },
  {
    name: 'claimed step not resent: move on to the next step',
    cart: { remindersSent: 0, claimedStep: 1 },
    input: { now: STEP1 + MIN },
    want: { move: 'still_shopping', reason: 'claimed', wakeAt: STEP2 },
  },
  {
    name: 'a recorded claim is no obstacle to the next step',
    cart: { remindersSent: 1, claimedStep: 1 },
    input: { now: STEP2 },
    want: { move: 'nudge', step: 2, wakeAtAfter: STEP3 },
  },
  // d. not due yet
  {
    name: 'shopper active after the wake-up was armed: move it',
    cart: { lastActivityAt: STEP1 - 30 * MIN },
    want: { move: 'still_shopping', reason: 'active', wakeAt: STEP1 + 30 * MIN },
  },
  {
    name: 'timer fired early',
    input: { now: STEP1 - 1 },
    want: { move: 'still_shopping', reason: 'active', wakeAt: STEP1 },
  },
  {
    name: 'duplicate fire after step 1 was recorded',
    cart: { remindersSent: 1, lastReminderAt: STEP1 },
    want: { move: 'still_shopping', reason: 'active', wakeAt: STEP2 },
  },
  {
    name: 'next step due after give-up: wake at give-up',
    cart: { remindersSent: 2 },
    policy: { giveUpAfterMs: 2 * DAY },
    input: { now: STEP2 + HOUR },
    want: { move: 'still_shopping', reason: 'active', wakeAt: ACTIVE + 2 * DAY },
  },
  // e. blocked or held out
  ...(['unsubscribed', 'bounced', 'complained'] as const).map(
    (kind): Row => ({
      name: `address ${kind}: never mailed, closes at give-up`,
      input: { addressBlock: kind },
      want: { move: 'still_shopping', reason: kind, wakeAt: GIVE_UP },
    }),
  ),
  {
    name: 'held out: never mailed, still watched until give-up',
    input: { heldOut: true },
    want: { move: 'still_shopping', reason: 'holdout', wakeAt: GIVE_UP },
  },
  // f. no email yet
  {
    name: 'no email yet',
    cart: { email: null },
    input: { newestOpenCartId: null },
    want: { move: 'wait', reason: 'no_email', wakeAt: GIVE_UP },
  },
  // g. the gate
  {
    name: 'consent required and refused',
    cart: { consent: false },
    policy: { requireConsent: true },
    want: { move: 'still_shopping', reason: 'no_consent', wakeAt: GIVE_UP },
  },
  {
    name: 'consent not required: a false consent is not a block',
    cart: { consent: false },
    want: { move: 'nudge', step: 1, wakeAtAfter: STEP2 },
  },
  {
    name: 'older cart of the address is not chased',
    input: { newestOpenCartId: 'c_2' },
    want: { move: 'still_shopping', reason: 'older_cart', wakeAt: GIVE_UP },
  },
  {
    // 20:00 UTC is 22:00 in Paris.
    name: "quiet hours in the shopper's zone (Paris) while the store zone (UTC) is awake",
    cart: { timezone: 'Europe/Paris', lastActivityAt: at('2026-06-10T19:00:00Z') },
    input: { now: at('2026-06-10T20:00:00Z') },
    want: { move: 'wait', reason: 'quiet_hours', wakeAt: at('2026-06-11T06:00:00Z') },
  },
  {
    name: 'same moment, no shopper zone: the store zone (UTC) is awake',
    cart: { lastActivityAt: at('2026-06-10T19:00:00Z') },
    input: { now: at('2026-06-10T20:00:00Z') },
    want: { move: 'nudge', step: 1, wakeAtAfter: at('2026-06-11T19:00:00Z') },
  },
  {
    name: 'quiet hours in the store zone when the shopper zone is unknown',
    cart: { lastActivityAt: at('2026-06-10T19:00:00Z') },
    policy: { storeTimeZone: 'Europe/Paris' },
    input: { now: at('2026-06-10T20:00:00Z') },
    want: { move: 'wait', reason: 'quiet_hours', wakeAt: at('2026-06-11T06:00:00Z') },
  },
  {
    name: 'frequency cap across two carts of one address',
    // Cart c_0 of the same address was reminded 2 h ago; c_1 (the newest) waits for the cap.
    input: { recentSendsToAddress: [STEP1 - 2 * HOUR] },
    want: { move: 'wait', reason: 'frequency_cap', wakeAt: STEP1 + 18 * HOUR },
  },
  {
    name: 'frequency cap off',
    policy: { frequencyCapMs: null },
    input: { recentSendsToAddress: [STEP1 - 2 * HOUR] },
    want: { move: 'nudge', step: 1, wakeAtAfter: STEP2 },
  },
  {
    name: 'sender health: wait an hour',
    input: { senderPaused: true },
    want: { move: 'wait', reason: 'sender_health', wakeAt: STEP1 + HOUR },
  },
  {
    name: "browser lane's new addresses for the day are spent: not mailed, kept until give-up",
    input: { snippetBudgetFull: true },
    want: { move: 'still_shopping', reason: 'snippet_daily_cap', wakeAt: GIVE_UP },
  },
  {
    name: 'a gate that opens only after give-up: wake at give-up to let go',
    cart: { remindersSent: 2, lastActivityAt: at('2026-06-03T21:30:00Z') },
    input: { now: at('2026-06-10T21:00:00Z') },
    want: { move: 'wait', reason: 'quiet_hours', wakeAt: at('2026-06-10T21:30:00Z') },
  },
  // h. nudge
  {
    name: 'step 1 due, gate open',
    want: { move: 'nudge', step: 1, wakeAtAfter: STEP2 },
  },
  {
    name: 'step 3 (the last) due: next wake-up is give-up',
    cart: { remindersSent: 2 },
    input: { now: STEP3 },
    want: { move: 'nudge', step: 3, wakeAtAfter: GIVE_UP },
  },
  {
    name: 'very late wake: step 1 sent, step 2 already overdue, next wake just after now',
    policy: { frequencyCapMs: null },
    input: { now: STEP2 + HOUR },
    want: { move: 'nudge', step: 1, wakeAtAfter: STEP2 + HOUR + 1 },
  },
];

function wakeTimes(move: Move): Array<number | null> {
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
