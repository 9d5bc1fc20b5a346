/** Builds store events and signs them the way a store would. */
import { signWebhook } from '../../src/domain/webhook-signature.ts';

export interface EventOverrides {
  id?: string;
  type?: 'cart.updated' | 'cart.checked_out';
  occurredAt?: string;
  cart?: Record<string, unknown>;
  orderId?: string | null;
}

export function cartEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  return {
    id: overrides.id ?? 'evt_01',
    type: overrides.type ?? 'cart.updated',
    occurredAt: overrides.occurredAt ?? '2026-11-23T07:58:00Z',
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
        { sku: 'CANDLE', name: 'Candle', quantity: 1, price: '25.50' },
      ],
      restoreUrl: 'https://shop.example/cart/c_42',
      savedLink: false,
      timezone: 'Europe/Paris',
      consent: true,
      ...overrides.cart,
    },
    orderId: overrides.orderId ?? null,
  };
}

export function signedRequest(
  secret: string,
  body: string,
  nowMs: number,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cr-signature': signWebhook(secret, body, Math.floor(nowMs / 1000)),
      ...headers,
    },
    body,
  };
}
