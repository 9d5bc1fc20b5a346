import { describe, expect, it } from 'vitest';
import { blankCart, type CartSnapshot, isFinal } from './cart.ts';

const snapshot: CartSnapshot = {
  id: 'c_42',
  email: 'sam@example.com',
  currency: 'USD',
  totalMinor: 8450,
  items: [{ sku: 'S', name: 'Shirt', quantity: 1, priceMinor: 8450, url: null, imageUrl: null }],
  restoreUrl: 'https://shop.example/cart/c_42',
  savedLink: true,
  timezone: 'Europe/Paris',
  consent: true,
};

describe('blankCart', () => {
  it('takes items, total and currency from the snapshot and starts open at the first event', () => {
    const at = Date.UTC(2026, 10, 23, 7, 58);
    const cart = blankCart(snapshot, { id: 'evt_1', occurredAt: at });
    expect(cart).toMatchObject({
      id: 'c_42',
      currency: 'USD',
      totalMinor: 8450,
      items: snapshot.items,
      status: 'open',
      createdAt: at,
      lastActivityAt: at,
      lastEventId: 'evt_1',
    });
    expect(isFinal(cart)).toBe(false);
  });

  // Intake fills these with the stamp of the event that set them; copying them here would skip it.
  it('leaves the optional shopper fields unknown even when the snapshot has them', () => {
    const cart = blankCart(snapshot, { id: 'evt_1', occurredAt: 0 });
    expect(cart).toMatchObject({
      email: null,
      restoreUrl: null,
      timezone: null,
      consent: null,
      savedLink: false,
      fieldStamps: {},
    });
  });

  it('has every bookkeeping field at zero: no reminder, claim, purchase, click or wake-up', () => {
    const cart = blankCart(snapshot, { id: 'evt_1', occurredAt: 0 });
    expect(cart).toMatchObject({
      closedReason: null,
      remindersSent: 0,
      abandonedAt: null,
      firstReminderAt: null,
      lastReminderAt: null,
      claimedStep: null,
      claimedAt: null,
      boughtAt: null,
      orderId: null,
      recoveredAt: null,
      clickedAt: null,
      closedAt: null,
      wakeAt: null,
      version: 0,
    });
  });

  it('gives each row its own field stamps object', () => {
    const a = blankCart(snapshot, { id: 'evt_1', occurredAt: 0 });
    const b = blankCart(snapshot, { id: 'evt_2', occurredAt: 0 });
    expect(a.fieldStamps).not.toBe(b.fieldStamps);
  });
});
