/** Builds store events and signs them the way a store would. */
import { signWebhook } from '../../src/domain/webhook-signature.ts';

/** An event body as the store posts it, before validation; tests reach in to break fields. */
export type EventBody = Record<string, unknown> & {
  cart: Record<string, unknown> & { items: Record<string, unknown>[] };
};

export interface EventOverrides {
  id?: string;
  type?: 'cart.updated' | 'cart.checked_out';
  occurredAt?: string;
  cart?: Record<string, unknown>;
  orderId?: string | null;
}

/** The SPEC section 1 example, verbatim: one line item, every optional field present. */
export function specExample(): EventBody {
  return {
    id: 'evt_01',
    type: 'cart.updated',
    occurredAt: '2026-11-23T07:58:00Z',
    cart: {
      id: 'c_42',
      email: 'sam@example.com',
      currency: 'USD',
      total: '84.50',
      items: [
        {
          sku: 'SHIRT-L',
          name: 'Linen shirt',
          quantity: 1,
          price: '59.00',
          url: 'https://shop.example/p/shirt',
          imageUrl: 'https://shop.example/i/shirt.jpg',
        },
      ],
      restoreUrl: 'https://shop.example/cart/c_42',
      savedLink: false,
      timezone: 'Europe/Paris',
      consent: true,
    },
    orderId: null,
  };
}

/** The SPEC example plus a candle, so the lines add up to the total; `cart` overrides merge in. */
export function cartEvent(overrides: EventOverrides = {}): EventBody {
  const spec = specExample();
  const candle = { sku: 'CANDLE', name: 'Candle', quantity: 1, price: '25.50' };
  return {
    ...spec,
    id: overrides.id ?? spec.id,
    type: overrides.type ?? spec.type,
    occurredAt: overrides.occurredAt ?? spec.occurredAt,
    cart: { ...spec.cart, items: [...spec.cart.items, candle], ...overrides.cart },
    orderId: overrides.orderId ?? null,
  };
}

/** The headers a store sends with `body`, signed at `nowMs`. */
export function signedHeaders(
  secret: string,
  body: string,
  nowMs: number,
  headers: Record<string, string> = {},
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-cr-signature': signWebhook(secret, body, Math.floor(nowMs / 1000)),
    ...headers,
  };
}

export function signedRequest(
  secret: string,
  body: string,
  nowMs: number,
  headers: Record<string, string> = {},
): RequestInit {
  return { method: 'POST', headers: signedHeaders(secret, body, nowMs, headers), body };
}
