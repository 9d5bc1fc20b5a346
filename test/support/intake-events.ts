/** Events and folds for the intake domain tests (src/domain/intake*.test.ts). */
import type { Cart, CartSnapshot } from '../../src/domain/cart.ts';
import { type CartEvent, EventType } from '../../src/domain/events.ts';
import { applyEvent, type IntakeOutcome } from '../../src/domain/intake.ts';
import { DEFAULT_POLICY, HOUR } from '../../src/domain/policy.ts';

export const T0 = Date.parse('2026-11-23T07:58:00Z');
export const policy = DEFAULT_POLICY;
export const FIRST_STEP = policy.cadenceMs[0] ?? HOUR;

export function snapshot(overrides: Partial<CartSnapshot> = {}): CartSnapshot {
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

export function event(
  id: string,
  at: number,
  cart: Partial<CartSnapshot> = {},
  type: CartEvent['type'] = EventType.updated,
  orderId: string | null = null,
): CartEvent {
  return { id, type, occurredAt: at, cart: snapshot(cart), orderId };
}

export const checkout = (id: string, at: number, cart: Partial<CartSnapshot> = {}) =>
  event(id, at, cart, EventType.checkedOut, 'order_1');

export function fold(events: readonly CartEvent[], start: Cart | null = null): Cart {
  let cart = start;
  for (const e of events) cart = applyEvent(cart, e, policy).cart;
  if (cart === null) throw new Error('no events');
  return cart;
}

export function kindOf(outcome: IntakeOutcome) {
  return outcome.kind;
}
