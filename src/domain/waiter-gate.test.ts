import {
  at,
  describeDecide,
  GIVE_UP,
  type Row,
  STEP1,
  STEP2,
  STEP3,
} from '../../test/support/waiter-table.ts';
import { HOUR } from './policy.ts';

const rows: Row[] = [
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

describeDecide(rows);
