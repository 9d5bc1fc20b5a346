/**
 * The model's carts on the Stripe Checkout and WooCommerce lanes: the same event specs as the
 * store lane's, written as those platforms send them (a Checkout Session event, a REST order), so
 * the promises (no reminder after a purchase, on any lane, for that address) hold across lanes.
 */
import { signStripePayload } from '../../src/platforms/stripe/signature.ts';
import { signWooCommerceBody } from '../../src/platforms/woocommerce/signature.ts';
import { type EventSpec, eventBody } from './model.ts';

export const STRIPE_SECRET = 'whsec_model_stripe_0123456789';
export const WOO_SECRET = 'wc_model_secret_0123456789';
export const LANE_ENV = { CR_STRIPE_SECRET: STRIPE_SECRET, CR_WOOCOMMERCE_SECRET: WOO_SECRET };

export type Lane = 'store' | 'stripe' | 'woocommerce';

export function laneOf(cartId: string): Lane {
  if (cartId.startsWith('stripe_')) return 'stripe';
  return cartId.startsWith('woocommerce_') ? 'woocommerce' : 'store';
}

export interface LaneDelivery {
  readonly path: string;
  readonly body: string;
  /** Headers but the signature, which is made at delivery time (Stripe's carries the time). */
  readonly headers: Record<string, string>;
}

const totalCents = (spec: EventSpec) =>
  spec.items.reduce((sum, item) => sum + item.quantity * item.cents, 0);
const cents = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;

export function laneDelivery(id: string, spec: EventSpec): LaneDelivery {
  switch (laneOf(spec.cartId)) {
    case 'store':
      return { path: '/events', body: eventBody(id, spec), headers: {} };
    case 'stripe':
      return { path: '/webhooks/stripe', body: stripeBody(id, spec), headers: {} };
    case 'woocommerce':
      return {
        path: '/webhooks/woocommerce',
        body: wooBody(spec),
        headers: { 'x-wc-webhook-topic': 'order.updated', 'x-wc-webhook-delivery-id': id },
      };
  }
}

function stripeBody(id: string, spec: EventSpec): string {
  const session = spec.cartId.slice('stripe_'.length);
  return JSON.stringify({
    id,
    object: 'event',
    type: spec.checkout ? 'checkout.session.completed' : 'checkout.session.expired',
    created: Math.floor(spec.occurredAt / 1000),
    data: {
      object: {
        id: session,
        object: 'checkout.session',
        currency: 'usd',
        amount_total: totalCents(spec),
        customer_details: spec.email === null ? null : { email: spec.email },
        customer_email: null,
        consent: { promotions: 'opt_in' },
        after_expiration: spec.checkout
          ? null
          : { recovery: { enabled: true, url: `https://buy.stripe.com/r/${session}` } },
        status: spec.checkout ? 'complete' : 'expired',
        payment_status: spec.checkout ? 'paid' : 'unpaid',
        recovered_from: null,
      },
    },
  });
}

function wooBody(spec: EventSpec): string {
  const orderId = Number(spec.cartId.slice('woocommerce_'.length));
  const gmt = new Date(Math.floor(spec.occurredAt / 1000) * 1000).toISOString().slice(0, 19);
  return JSON.stringify({
    id: orderId,
    status: spec.checkout ? 'processing' : 'pending',
    currency: 'USD',
    total: cents(totalCents(spec)),
    prices_include_tax: false,
    date_created_gmt: gmt,
    date_modified_gmt: gmt,
    billing: { email: spec.email ?? '' },
    payment_url: `https://shop.example/checkout/order-pay/${orderId}/?pay_for_order=true&key=wc_order_m${orderId}`,
    line_items: spec.items.map((item, index) => ({
      id: index + 1,
      name: `Item ${item.sku}`,
      product_id: 10 + index,
      variation_id: 0,
      quantity: item.quantity,
      sku: item.sku,
      subtotal: cents(item.cents * item.quantity),
    })),
    meta_data: [],
  });
}

export function signLane(delivery: LaneDelivery, now: number): Record<string, string> {
  const base = { 'content-type': 'application/json', ...delivery.headers };
  if (delivery.path === '/webhooks/stripe') {
    const signature = signStripePayload(STRIPE_SECRET, delivery.body, Math.floor(now / 1000));
    return { ...base, 'stripe-signature': signature };
  }
  if (delivery.path === '/webhooks/woocommerce') {
    return { ...base, 'x-wc-webhook-signature': signWooCommerceBody(WOO_SECRET, delivery.body) };
  }
  return base;
}
