/**
 * A toy store platform, the whole of it in this folder: what adding a platform costs. Its webhook
 * signs the raw body with hex HMAC-SHA256 in X-Toy-Signature; `abandoned` opens a cart, `bought`
 * closes it, `ping` is acknowledged. CR_TOY_CURRENCY (a setting) is the currency when the body
 * names none.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type CartEvent, EventType } from '../../../src/domain/events.ts';
import type { PlatformDelivery, StorePlatform } from '../../../src/platforms/platform.ts';

export const TOY_SECRET_VARIABLE = 'CR_TOY_SECRET';
export const TOY_CURRENCY = 'CR_TOY_CURRENCY';
export const TOY_MAX_BODY = 2048;

export function signToy(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function signedBy(delivery: PlatformDelivery, secret: string): boolean {
  const given = Buffer.from(delivery.header('x-toy-signature') ?? '', 'hex');
  const expected = createHmac('sha256', secret).update(delivery.body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface ToyBody {
  readonly id?: unknown;
  readonly kind?: unknown;
  readonly cart?: { id?: unknown; email?: unknown; cents?: unknown; currency?: unknown };
  readonly at?: unknown;
}

function toEvent(body: ToyBody, currency: string): CartEvent | null {
  const { id, kind, cart, at } = body;
  if (typeof id !== 'string' || typeof at !== 'string' || typeof cart?.id !== 'string') return null;
  return {
    id: `toy_${id}`,
    type: kind === 'bought' ? EventType.checkedOut : EventType.updated,
    occurredAt: Date.parse(at),
    orderId: kind === 'bought' ? id : null,
    cart: {
      id: `toy_${cart.id}`,
      email: typeof cart.email === 'string' ? cart.email : null,
      currency: typeof cart.currency === 'string' ? cart.currency : currency,
      totalMinor: typeof cart.cents === 'number' ? cart.cents : 0,
      // One line for the whole cart: the toy platform sends no lines of its own.
      items: [
        {
          sku: 'toy',
          name: 'Your toy cart',
          quantity: 1,
          priceMinor: typeof cart.cents === 'number' ? cart.cents : 0,
          url: null,
          imageUrl: null,
        },
      ],
      restoreUrl: `https://shop.example/toy/${cart.id}`,
      savedLink: false,
      timezone: null,
      consent: true,
    },
  };
}

export const toyPlatform: StorePlatform = {
  name: 'toy',
  title: 'Toy',
  route: '/webhooks/toy',
  maxBodyBytes: TOY_MAX_BODY,
  secretVariable: TOY_SECRET_VARIABLE,
  eventIdPath: 'id',
  settings: [{ variable: TOY_CURRENCY, doc: 'Currency of carts that name none.', secret: false }],
  create({ secrets, settings }) {
    const currency = settings[TOY_CURRENCY] ?? 'USD';
    return {
      verify: (delivery) =>
        secrets.some((secret) => signedBy(delivery, secret))
          ? { ok: true }
          : {
              ok: false,
              problem: { path: '(headers).x-toy-signature', problem: 'does not match' },
            },
      map(delivery) {
        const body = delivery.json() as ToyBody;
        if (body.kind === 'ping') return { kind: 'ignored', reason: 'ping' };
        const event = toEvent(body, currency);
        return event === null
          ? { kind: 'invalid', details: [{ path: 'cart.id', problem: 'is missing' }] }
          : { kind: 'events', events: [event] };
      },
    };
  },
};
