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

function isZero(value: unknown): boolean {
  const json = JSON.stringify(value);
  return value === null || value === 0 || value === false || json === '{}' || json === '[]';
}

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

  // The type makes sure every field is there; this makes sure a new one starts at zero too.
  it('has every field the first event does not set at its zero value: null, 0, false, {} or []', () => {
    const fromEvent = ['id', 'currency', 'totalMinor', 'items', 'status', 'createdAt'];
    const alsoFromEvent = ['lastActivityAt', 'lastEventId'];
    const cart = blankCart(snapshot, { id: 'evt_1', occurredAt: 1 });
    const rest = Object.entries(cart).filter(
      ([key]) => !fromEvent.includes(key) && !alsoFromEvent.includes(key),
    );
    expect(rest.length).toBeGreaterThan(15);
    for (const [key, value] of rest) expect(isZero(value), `${key}: ${String(value)}`).toBe(true);
  });

  it('gives each row its own field stamps object', () => {
    const a = blankCart(snapshot, { id: 'evt_1', occurredAt: 0 });
    const b = blankCart(snapshot, { id: 'evt_2', occurredAt: 0 });
    expect(a.fieldStamps).not.toBe(b.fieldStamps);
  });
});
