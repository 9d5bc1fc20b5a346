/**
 * WooCommerce order webhooks onto our cart events. An order waiting for payment (`pending`,
 * `failed`, or the block checkout's `checkout-draft`) is an open cart whose restore link is the
 * order's own payment page; a paid or accepted order (`processing`, `completed`, `on-hold`) is
 * the purchase; a `cancelled` or trashed order is closed as suppressed, never reopened.
 *
 * One order is one cart, by its id, whichever topic and status a delivery carries, so a status
 * change that arrives before the order.created it follows still lands on the same row, and a
 * bought row stays bought.
 */
import type { CartItem } from '../../domain/cart.ts';
import { type CartEvent, EventType, stripFormatCharacters } from '../../domain/events.ts';
import { fieldProblems } from '../../domain/field-problems.ts';
import { boundedId, firstEmail, ITEM_LIMIT, sha256Hex } from '../mapping-kit.ts';
import type { PlatformMapping } from '../platform.ts';
import { consentOf, orderSchema, type WooLineItem, type WooOrder, wooMinor } from './payload.ts';

const TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);
const OPEN = new Set(['pending', 'failed', 'checkout-draft']);
const BOUGHT = new Set(['processing', 'completed', 'on-hold']);
const GONE = new Set(['cancelled', 'trash']);

export interface WooDeliveryInput {
  /** X-WC-Webhook-Topic */
  readonly topic: string | undefined;
  /** X-WC-Webhook-Delivery-ID */
  readonly deliveryId: string | undefined;
  readonly body: unknown;
}

export interface WooMapDeps {
  readonly consentMetaKey: string | undefined;
}

export function mapWooCommerceDelivery(input: WooDeliveryInput, deps: WooMapDeps): PlatformMapping {
  const topic = input.topic?.trim();
  if (!topic) {
    return {
      kind: 'invalid',
      details: [{ path: '(headers).x-wc-webhook-topic', problem: 'is missing' }],
    };
  }
  // order.deleted carries only the id: nothing to map, and a deleted order is never mailed anyway.
  if (!TOPICS.has(topic)) {
    return { kind: 'ignored', reason: `topic "${topic.slice(0, 80)}" is not one we use` };
  }
  const parsed = orderSchema.safeParse(input.body);
  if (!parsed.success) return { kind: 'invalid', details: fieldProblems(parsed.error.issues) };
  const order = parsed.data;
  const status = order.status;
  if (!OPEN.has(status) && !BOUGHT.has(status) && !GONE.has(status)) {
    return { kind: 'ignored', reason: `order status "${status.slice(0, 40)}" changes no cart` };
  }
  const event = orderEvent(order, input.deliveryId, deps);
  // Cancelled or trashed: closed as suppressed, as the issue and an owner would expect, so a
  // late or replayed pending delivery never reopens it (an order restored from the trash is a
  // new decision for the owner, not a reminder).
  return GONE.has(status)
    ? { kind: 'events', events: [event], suppress: { reason: `WooCommerce order ${status}` } }
    : { kind: 'events', events: [event] };
}

function orderEvent(order: WooOrder, deliveryId: string | undefined, deps: WooMapDeps): CartEvent {
  const bought = BOUGHT.has(order.status);
  // Cancelled or trashed: stored emptied, then closed as suppressed (the mapping says so): were
  // the process to stop between the two, an empty cart still has nothing for the waiter to mail.
  const gone = GONE.has(order.status);
  const at = order.date_modified_gmt ?? order.date_created_gmt;
  return {
    id: eventId(deliveryId, order, at),
    type: bought ? EventType.checkedOut : EventType.updated,
    occurredAt: at,
    orderId: bought ? order.id : null,
    cart: {
      id: boundedId('woocommerce_', order.id),
      email: firstEmail([order.billing?.email]),
      currency: order.currency,
      totalMinor: gone ? 0 : wooMinor(order.total, order.currency),
      items: gone ? [] : lineItems(order),
      restoreUrl: OPEN.has(order.status) ? order.payment_url : null,
      savedLink: false,
      timezone: null,
      consent: consentOf(order, deps.consentMetaKey),
    },
  };
}

/**
 * The delivery id de-duplicates a repeated delivery. WooCommerce derives it from the webhook id
 * and the second it was sent, so two different deliveries of one webhook in the same second can
 * share it: the order's state is part of the id too, or the second one (pending, then paid) would
 * be dropped as a duplicate and the buyer reminded.
 */
function eventId(deliveryId: string | undefined, order: WooOrder, at: number): string {
  const state = `${order.id}\n${order.status}\n${at}\n${order.total}`;
  const given = deliveryId?.trim() ?? '';
  return `woocommerce_${sha256Hex(`${given}\n${state}`).slice(0, 40)}`;
}

function lineItems(order: WooOrder): CartItem[] {
  const items: CartItem[] = [];
  order.line_items.forEach((line, index) => {
    if (line.quantity <= 0 || items.length >= ITEM_LIMIT.items) return;
    items.push(toItem(line, index, order));
  });
  return items;
}

function toItem(line: WooLineItem, index: number, order: WooOrder): CartItem {
  const fallback =
    line.variation_id && line.variation_id !== '0' ? line.variation_id : line.product_id;
  const sku =
    stripFormatCharacters(line.sku ?? '').trim() ||
    (fallback ? `product_${fallback}` : `line_${index + 1}`);
  const name = stripFormatCharacters(line.name ?? '').trim() || sku;
  // The line's subtotal is before coupons; with tax-inclusive prices the shopper saw it with tax.
  const subtotal = wooMinor(line.subtotal, order.currency);
  const tax =
    order.prices_include_tax && line.subtotal_tax ? wooMinor(line.subtotal_tax, order.currency) : 0;
  return {
    sku: sku.slice(0, ITEM_LIMIT.sku),
    name: name.slice(0, ITEM_LIMIT.name),
    quantity: Math.min(line.quantity, ITEM_LIMIT.quantity),
    priceMinor: Math.round((subtotal + tax) / line.quantity),
    url: null,
    imageUrl: line.image?.src ?? null,
  };
}
