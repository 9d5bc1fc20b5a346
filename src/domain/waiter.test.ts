import {
  ACTIVE,
  at,
  describeDecide,
  GIVE_UP,
  MIN,
  type Row,
  STEP1,
  STEP2,
  STEP3,
} from '../../test/support/waiter-table.ts';
import { DAY, HOUR } from './policy.ts';

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
];

describeDecide(rows);
