import { describe, expect, it } from 'vitest';
import { makeCart } from '../../test/support/cart-fixtures.ts';
import { type Cart, CartStatus, ClosedReason } from './cart.ts';
import { type CartEvent, EventType } from './events.ts';
import { applyEvent } from './intake.ts';
import { DAY, DEFAULT_POLICY, HOUR } from './policy.ts';
import { checkRetention, finalAt, retainUntil, tombstoneOf } from './retention.ts';
import { summarizeMonth } from './summary.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const RETAIN = 90 * DAY;
const policy = DEFAULT_POLICY;

const bought = makeCart({
  id: 'c_1',
  aliases: ['tok_1', 'order_9'],
  knownEmails: ['sam@example.com', 'sam@typo.example'],
  status: CartStatus.bought,
  boughtAt: T0 + HOUR,
  orderId: 'order_9',
  remindersSent: 1,
  abandonedAt: T0 + HOUR / 2,
  firstReminderAt: T0 + HOUR / 2,
  lastReminderAt: T0 + HOUR / 2,
  recoveredAt: T0 + HOUR,
  savedLink: true,
  fieldStamps: { email: '000001795420800000|evt_1' },
  wakeAt: T0 + HOUR + RETAIN,
  version: 4,
});

function update(id: string, at: number, type: CartEvent['type'] = EventType.updated): CartEvent {
  return {
    id,
    type,
    occurredAt: at,
    orderId: type === EventType.checkedOut ? `order_${id}` : null,
    cart: {
      id: 'c_1',
      email: 'late@example.com',
      currency: 'USD',
      totalMinor: 1200,
      items: [
        { sku: 'MUG', name: 'Mug', quantity: 1, priceMinor: 1200, url: null, imageUrl: null },
      ],
      restoreUrl: 'https://shop.example/cart/late',
      savedLink: true,
      timezone: 'Asia/Tokyo',
      consent: true,
    },
  };
}

describe('when a final cart is due', () => {
  it('counts from the purchase or the close, not from later activity', () => {
    const later: Cart = { ...bought, lastActivityAt: T0 + 5 * DAY };
    expect(finalAt(later)).toBe(T0 + HOUR);
    const closed = { ...bought, status: CartStatus.closed, boughtAt: null, closedAt: T0 + DAY };
    expect(retainUntil(closed, policy)).toBe(T0 + DAY + RETAIN);
    expect(retainUntil(makeCart(), policy)).toBeNull();
  });

  it('off keeps final carts whole; a tombstone is never due again', () => {
    expect(retainUntil(bought, { retainCartsMs: null })).toBeNull();
    const tomb = tombstoneOf(bought, T0 + RETAIN + HOUR);
    expect(retainUntil(tomb, policy)).toBeNull();
    expect(checkRetention(tomb, policy, T0 + 400 * DAY)).toEqual({ kind: 'keep', wakeAt: null });
  });

  it('keeps the cart whole until the end, and hands back its wake-up time', () => {
    const due = T0 + HOUR + RETAIN;
    expect(checkRetention(bought, policy, due - 1)).toEqual({ kind: 'keep', wakeAt: due });
    expect(checkRetention(bought, policy, due)).toMatchObject({ kind: 'tombstone' });
    expect(checkRetention(makeCart(), policy, due)).toEqual({ kind: 'keep', wakeAt: null });
  });
});

describe('the tombstone', () => {
  const tomb = tombstoneOf(bought, T0 + RETAIN + 2 * HOUR);

  it('holds nothing that names, reaches or locates the shopper, or what they picked', () => {
    expect(tomb).toMatchObject({
      email: null,
      knownEmails: [],
      items: [],
      restoreUrl: null,
      timezone: null,
      consent: null,
      orderId: null,
      fieldStamps: {},
      wakeAt: null,
    });
    const text = JSON.stringify(tomb);
    for (const gone of ['sam@', 'typo', 'Linen', 'SHIRT', 'shop.example', 'Europe/Paris']) {
      expect(text).not.toContain(gone);
    }
  });

  it('keeps the ids, the outcome and the money the summary and intake still need', () => {
    expect(tomb).toMatchObject({
      id: 'c_1',
      aliases: ['tok_1', 'order_9'],
      status: CartStatus.bought,
      boughtAt: T0 + HOUR,
      recoveredAt: T0 + HOUR,
      totalMinor: 8450,
      currency: 'USD',
      createdAt: bought.createdAt,
      abandonedAt: T0 + HOUR / 2,
      version: 4,
      tombstone: { at: T0 + RETAIN + 2 * HOUR, hadEmail: true },
    });
  });

  it('gives the same monthly summary as the whole cart did', () => {
    const month = (carts: Cart[]) =>
      summarizeMonth({ month: '2026-11', zone: 'UTC', carts, audit: [], holdoutShare: 0 });
    const noEmail = makeCart({ id: 'c_2', email: null, knownEmails: [], status: 'bought' });
    const whole = month([bought, noEmail]);
    const shrunk = month([tomb, tombstoneOf(noEmail, T0 + RETAIN)]);
    expect(shrunk).toEqual(whole);
    expect(shrunk).toMatchObject({ cartsWithEmail: 1, recovered: 1 });
    expect(shrunk.recoveredRevenue).toEqual({ USD: '84.50' });
  });
});

describe('events after tombstoning', () => {
  const tombAt = T0 + HOUR + RETAIN;
  const tomb = tombstoneOf(bought, tombAt);

  it('a bought tombstone takes in nothing, however late or new the event', () => {
    for (const at of [T0 - DAY, T0 + 2 * HOUR, tombAt + DAY]) {
      for (const type of [EventType.updated, EventType.checkedOut]) {
        const out = applyEvent(tomb, update(`e_${at}_${type}`, at, type), policy);
        expect(out.cart).toBe(tomb);
        expect(out).toMatchObject({ changed: false });
        expect(['final', 'stale']).toContain(out.kind);
      }
    }
  });

  const expired: Cart = {
    ...bought,
    status: CartStatus.closed,
    closedReason: ClosedReason.expired,
    boughtAt: null,
    recoveredAt: null,
    closedAt: T0 + 7 * DAY,
  };
  const expiredTomb = tombstoneOf(expired, T0 + 7 * DAY + RETAIN);

  it('a late delivery about a cart that was let go changes nothing, even a newer-than-last one', () => {
    // Newer than its last activity, but from before the tombstone: a delivery we chose to forget.
    const out = applyEvent(expiredTomb, update('late', T0 + 2 * DAY), policy);
    expect(out).toMatchObject({ kind: 'final', changed: false });
    expect(out.cart).toBe(expiredTomb);
  });

  it('the shopper coming back after it opens a fresh cart with only the new event', () => {
    const back = T0 + 7 * DAY + RETAIN + DAY;
    const out = applyEvent(expiredTomb, update('back', back), policy);
    expect(out.kind).toBe('reopened');
    expect(out.cart).toMatchObject({
      status: CartStatus.open,
      email: 'late@example.com',
      knownEmails: ['late@example.com'],
      remindersSent: 0,
      wakeAt: back + (policy.cadenceMs[0] ?? 0),
    });
    expect(out.cart.tombstone).toBeUndefined();
  });

  it('a checkout after it makes it bought again, kept for a new retention period', () => {
    const suppressed = tombstoneOf(
      { ...expired, closedReason: ClosedReason.suppressed },
      T0 + 7 * DAY + RETAIN,
    );
    const at = T0 + 7 * DAY + RETAIN + HOUR;
    const out = applyEvent(suppressed, update('buy', at, EventType.checkedOut), policy);
    expect(out.kind).toBe('bought');
    expect(out.cart).toMatchObject({ status: 'bought', boughtAt: at, wakeAt: at + RETAIN });
    expect(out.cart.tombstone).toBeUndefined();
    // Anything else after it leaves an owner's stop standing, and takes in nothing.
    const later = applyEvent(suppressed, update('later', at), policy);
    expect(later).toMatchObject({ kind: 'final', changed: false });
  });
});
