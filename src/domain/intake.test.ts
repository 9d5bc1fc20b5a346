import { describe, expect, it } from 'vitest';
import { type Cart, type CartSnapshot, CartStatus, ClosedReason } from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { applyEvent, type IntakeOutcome } from './intake.ts';
import { DAY, DEFAULT_POLICY, HOUR } from './policy.ts';

const T0 = Date.parse('2026-11-23T07:58:00Z');
const policy = DEFAULT_POLICY;
const FIRST_STEP = policy.cadenceMs[0] ?? HOUR;

function snapshot(overrides: Partial<CartSnapshot> = {}): CartSnapshot {
  return {
    id: 'c_42',
    email: null,
    currency: 'USD',
    totalMinor: 5900,
    items: [
      {
        sku: 'SHIRT-L',
        name: 'Linen shirt',
        quantity: 1,
        priceMinor: 5900,
        url: null,
        imageUrl: null,
      },
    ],
    restoreUrl: null,
    savedLink: false,
    timezone: null,
    consent: null,
    ...overrides,
  };
}

function event(
  id: string,
  at: number,
  cart: Partial<CartSnapshot> = {},
  type: CartEvent['type'] = EventType.updated,
  orderId: string | null = null,
): CartEvent {
  return { id, type, occurredAt: at, cart: snapshot(cart), orderId };
}

const checkout = (id: string, at: number, cart: Partial<CartSnapshot> = {}) =>
  event(id, at, cart, EventType.checkedOut, 'order_1');

function fold(events: readonly CartEvent[], start: Cart | null = null): Cart {
  let cart = start;
  for (const e of events) cart = applyEvent(cart, e, policy).cart;
  if (cart === null) throw new Error('no events');
  return cart;
}

function kindOf(outcome: IntakeOutcome) {
  return outcome.kind;
}

describe('applyEvent on a new cart', () => {
  it('creates an open row with the snapshot and a wake-up at the first step', () => {
    const out = applyEvent(null, event('e1', T0, { email: 'sam@example.com' }), policy);
    expect(out.kind).toBe('created');
    expect(out.cart).toMatchObject({
      id: 'c_42',
      status: CartStatus.open,
      email: 'sam@example.com',
      totalMinor: 5900,
      createdAt: T0,
      lastActivityAt: T0,
      remindersSent: 0,
      wakeAt: T0 + FIRST_STEP,
    });
  });

  it('a checkout with no prior row makes a bought row whose one wake-up is its retention end', () => {
    const out = applyEvent(null, checkout('k1', T0), policy);
    expect(out.kind).toBe('bought');
    expect(out.cart).toMatchObject({
      status: CartStatus.bought,
      boughtAt: T0,
      orderId: 'order_1',
      wakeAt: T0 + 90 * DAY,
      recoveredAt: null,
    });
  });
});

describe('applyEvent on an open cart', () => {
  const created = fold([event('e1', T0, { email: 'sam@example.com' })]);

  it('a newer update takes the snapshot and moves the wake-up', () => {
    const out = applyEvent(created, event('e2', T0 + 10 * 60_000, { totalMinor: 8450 }), policy);
    expect(out.kind).toBe('updated');
    expect(out.cart.totalMinor).toBe(8450);
    expect(out.cart.lastActivityAt).toBe(T0 + 10 * 60_000);
    expect(out.cart.wakeAt).toBe(T0 + 10 * 60_000 + FIRST_STEP);
  });

  it('an older update changes nothing', () => {
    const newer = fold([event('e2', T0 + 60_000, { totalMinor: 8450 })], created);
    const out = applyEvent(newer, event('e0', T0 - 60_000, { totalMinor: 100 }), policy);
    expect(out).toMatchObject({ kind: 'stale', changed: true });
    // Only createdAt (first seen) moves back; the snapshot and the timer stay.
    expect(out.cart).toEqual({ ...newer, createdAt: T0 - 60_000 });
  });

  it('an older update with nothing new says changed: false', () => {
    const newer = fold([event('e2', T0 + 60_000, { email: 'sam@example.com' })], created);
    const out = applyEvent(newer, event('e1b', T0 + 1, {}), policy);
    expect(out).toEqual({ kind: 'stale', cart: newer, changed: false });
  });

  it('an older update may fill an optional field the row lacks, and says so', () => {
    const newer = fold([event('e2', T0 + 60_000, { email: null })], fold([event('e1', T0)]));
    expect(newer.timezone).toBeNull();
    const out = applyEvent(newer, event('e1b', T0 + 1, { timezone: 'Europe/Paris' }), policy);
    expect(out).toMatchObject({ kind: 'stale', changed: true });
    expect(out.cart.timezone).toBe('Europe/Paris');
    expect(out.cart.totalMinor).toBe(newer.totalMinor);
    expect(out.cart.wakeAt).toBe(newer.wakeAt);
  });

  it('an older update does not overwrite a field a newer event set', () => {
    const newer = fold([event('e2', T0 + 60_000, { email: 'new@example.com' })], created);
    const out = applyEvent(newer, event('e1b', T0 + 1, { email: 'old@example.com' }), policy);
    expect(out.cart.email).toBe('new@example.com');
  });

  it('keeps the email when a newer event leaves it out', () => {
    const out = applyEvent(created, event('e2', T0 + 60_000, { email: null }), policy);
    expect(out.cart.email).toBe('sam@example.com');
  });

  it('a newer email replaces the old one', () => {
    const out = applyEvent(
      created,
      event('e2', T0 + 60_000, { email: 'other@example.com' }),
      policy,
    );
    expect(out.cart.email).toBe('other@example.com');
  });

  it('equal times are ordered by event id, whichever arrives first', () => {
    const a = event('evt_a', T0 + 5, { totalMinor: 111 });
    const b = event('evt_b', T0 + 5, { totalMinor: 222 });
    expect(fold([a, b], created).totalMinor).toBe(222);
    expect(fold([b, a], created).totalMinor).toBe(222);
  });

  it('the saved-link flag is sticky', () => {
    const saved = fold([event('e2', T0 + 1, { savedLink: true })], created);
    expect(saved.savedLink).toBe(true);
    expect(fold([event('e3', T0 + 2, { savedLink: false })], saved).savedLink).toBe(true);
    expect(
      applyEvent(
        fold([event('e9', T0 + 9)], created),
        event('e0', T0 - 1, { savedLink: true }),
        policy,
      ),
    ).toMatchObject({
      kind: 'stale',
      changed: true,
      cart: { savedLink: true },
    });
  });
});

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
