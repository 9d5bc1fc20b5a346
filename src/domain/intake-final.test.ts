import { describe, expect, it } from 'vitest';
import {
  checkout,
  event,
  FIRST_STEP,
  fold,
  kindOf,
  policy,
  T0,
} from '../../test/support/intake-events.ts';
import { type Cart, CartStatus, ClosedReason } from './cart.ts';
import { applyEvent } from './intake.ts';
import { DAY, HOUR } from './policy.ts';

describe('checkout', () => {
  const created = fold([event('e1', T0)]);

  it('a checkout older than the last update still makes it bought and keeps the newest snapshot', () => {
    const updated = fold([event('e2', T0 + HOUR / 2, { totalMinor: 9999 })], created);
    const out = applyEvent(updated, checkout('k1', T0 + 60_000, { totalMinor: 5900 }), policy);
    expect(out.kind).toBe('bought');
    expect(out.cart).toMatchObject({
      status: CartStatus.bought,
      boughtAt: T0 + 60_000,
      totalMinor: 9999,
      lastActivityAt: T0 + HOUR / 2,
      wakeAt: T0 + 60_000 + 90 * DAY,
      claimedStep: null,
    });
  });

  it('bought is final for status but takes a newer snapshot', () => {
    const bought = fold([checkout('k1', T0 + 60_000)], created);
    const out = applyEvent(bought, event('e3', T0 + HOUR, { totalMinor: 1 }), policy);
    expect(out).toMatchObject({ kind: 'final', changed: true });
    // Retention counts from the purchase: a later snapshot does not extend it.
    expect(out.cart).toMatchObject({
      status: CartStatus.bought,
      totalMinor: 1,
      wakeAt: T0 + 60_000 + 90 * DAY,
    });
  });

  it('an older update on a bought row is final and unchanged', () => {
    const bought = fold([checkout('k1', T0 + 60_000)], created);
    expect(applyEvent(bought, event('e0', T0 + 1), policy)).toEqual({
      kind: 'final',
      cart: bought,
      changed: false,
    });
  });

  it.each([ClosedReason.suppressed, ClosedReason.written_off, ClosedReason.expired])(
    'applies to a %s cart',
    (closedReason) => {
      const closed: Cart = {
        ...created,
        status: CartStatus.closed,
        closedReason,
        closedAt: T0 + 5,
        wakeAt: null,
      };
      const out = applyEvent(closed, checkout('k1', T0 + 60_000), policy);
      expect(out.kind).toBe('bought');
      expect(out.cart).toMatchObject({
        status: CartStatus.bought,
        closedReason: null,
        closedAt: null,
      });
    },
  );

  const reminded: Cart = {
    ...created,
    remindersSent: 2,
    abandonedAt: T0 + HOUR,
    firstReminderAt: T0 + HOUR,
    lastReminderAt: T0 + 24 * HOUR,
    wakeAt: T0 + 72 * HOUR,
  };

  it.each([
    ['before the first reminder', T0 + HOUR - 1, null],
    ['at the first reminder', T0 + HOUR, T0 + HOUR],
    ['between reminders', T0 + 2 * HOUR, T0 + 2 * HOUR],
    ['at the end of the recovery window', T0 + 24 * HOUR + 7 * DAY, T0 + 24 * HOUR + 7 * DAY],
    ['after the recovery window', T0 + 24 * HOUR + 7 * DAY + 1, null],
  ])('bought %s: recoveredAt is %s', (_when, at, expected) => {
    const out = applyEvent(reminded, checkout('k1', at), policy);
    expect(out.cart.recoveredAt).toBe(expected);
  });

  it('a cart bought with no reminder is not recovered', () => {
    expect(applyEvent(created, checkout('k1', T0 + 2 * DAY), policy).cart.recoveredAt).toBeNull();
  });
});

describe('closed carts', () => {
  const created = fold([event('e1', T0, { email: 'sam@example.com' })]);

  it.each([ClosedReason.suppressed, ClosedReason.written_off])(
    'a %s cart stays closed on a newer update, with no wake-up',
    (closedReason) => {
      const closed: Cart = {
        ...created,
        status: CartStatus.closed,
        closedReason,
        closedAt: T0 + 5,
        wakeAt: null,
      };
      const out = applyEvent(closed, event('e2', T0 + HOUR, { totalMinor: 7 }), policy);
      expect(out.kind).toBe('final');
      expect(out.cart).toMatchObject({ status: CartStatus.closed, closedReason, wakeAt: null });
    },
  );

  const expired: Cart = {
    ...created,
    status: CartStatus.closed,
    closedReason: ClosedReason.expired,
    closedAt: T0 + 7 * DAY,
    remindersSent: 3,
    abandonedAt: T0 + HOUR,
    firstReminderAt: T0 + HOUR,
    lastReminderAt: T0 + 72 * HOUR,
    clickedAt: T0 + 2 * HOUR,
    wakeAt: null,
  };

  it('an expired cart with newer activity opens again with a fresh sequence', () => {
    const at = T0 + 8 * DAY;
    const out = applyEvent(expired, event('e2', at), policy);
    expect(out.kind).toBe('reopened');
    expect(out.cart).toMatchObject({
      status: CartStatus.open,
      closedReason: null,
      closedAt: null,
      remindersSent: 0,
      abandonedAt: null,
      firstReminderAt: null,
      lastReminderAt: null,
      clickedAt: null,
      lastActivityAt: at,
      wakeAt: at + FIRST_STEP,
      email: 'sam@example.com',
    });
  });

  it('an expired cart is not reopened by an older event', () => {
    const out = applyEvent(expired, event('e0', T0 - 1), policy);
    expect(kindOf(out)).toBe('stale');
    expect(out.cart.status).toBe(CartStatus.closed);
  });
});
