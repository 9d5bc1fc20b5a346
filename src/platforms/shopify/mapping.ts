/**
 * Shopify's own webhooks mapped onto our cart events (SPEC section 1), so a Shopify store needs no
 * code of its own. Pure: the HTTP route checks the HMAC (shopify-signature.ts), passes the headers
 * and the parsed body here, and feeds the resulting CartEvent to the same intake as `POST /events`.
 *
 * Only the fields we use are validated; Shopify sends many more and adds new ones over time, so
 * unknown keys are allowed. A payload we cannot trust (bad money, no time, no identity) is
 * `invalid` with every bad field named; a topic we do not use is `ignored` (acknowledged, so
 * Shopify does not retry it).
 */
import type { z } from 'zod';
import type { CartItem, CartSnapshot } from '../../domain/cart.ts';
import { normaliseEmail } from '../../domain/email.ts';
import {
  type CartEvent,
  EventType,
  type FieldProblem,
  isTimeZone,
  stripFormatCharacters,
} from '../../domain/events.ts';
import { LIMIT } from '../../domain/input-rules.ts';
import { aliasesOf, eventId, identityOf, mapped } from './identities.ts';
import {
  type Checkout,
  type Common,
  checkoutSchema,
  consentOf,
  instant,
  type Order,
  orderSchema,
  parsePayload,
  shopifyMoney,
} from './payload.ts';

export const ShopifyTopic = {
  checkoutCreate: 'checkouts/create',
  checkoutUpdate: 'checkouts/update',
  orderCreate: 'orders/create',
} as const;
export type ShopifyTopic = (typeof ShopifyTopic)[keyof typeof ShopifyTopic];

export interface ShopifyWebhookInput {
  /** X-Shopify-Topic */
  readonly topic: string | undefined;
  /** X-Shopify-Event-Id ?? X-Shopify-Webhook-Id */
  readonly eventId: string | undefined;
  /** X-Shopify-Triggered-At */
  readonly triggeredAt: string | undefined;
  readonly body: unknown;
}

export type ShopifyMapResult =
  | { readonly kind: 'event'; readonly event: CartEvent }
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly details: readonly FieldProblem[] };

export function mapShopifyWebhook(input: ShopifyWebhookInput): ShopifyMapResult {
  const topic = input.topic?.trim();
  if (!topic) {
    return {
      kind: 'invalid',
      details: [{ path: 'headers.X-Shopify-Topic', problem: 'is missing' }],
    };
  }
  switch (topic) {
    case ShopifyTopic.checkoutCreate:
    case ShopifyTopic.checkoutUpdate:
      return mapWith(checkoutSchema, input, topic, checkoutEvent);
    case ShopifyTopic.orderCreate:
      return mapWith(orderSchema, input, topic, orderEvent);
    default:
      return { kind: 'ignored', reason: `topic "${topic.slice(0, 80)}" is not one we use` };
  }
}

type Build<T> = (raw: T, input: ShopifyWebhookInput, topic: ShopifyTopic) => Built;
type Built = { ok: true; event: CartEvent } | { ok: false; details: FieldProblem[] };

function mapWith<T>(
  schema: z.ZodType<T>,
  input: ShopifyWebhookInput,
  topic: ShopifyTopic,
  build: Build<T>,
): ShopifyMapResult {
  const parsed = parsePayload(schema, input.body);
  if (!parsed.ok) return { kind: 'invalid', details: parsed.details };
  const built = build(parsed.data, input, topic);
  return built.ok
    ? { kind: 'event', event: built.event }
    : { kind: 'invalid', details: built.details };
}

function checkoutEvent(raw: Checkout, input: ShopifyWebhookInput, topic: ShopifyTopic): Built {
  const details: FieldProblem[] = [];
  // The token is the checkout's own id (API 2026-04 dropped `id` in its favour), so it names the
  // cart, else the id does; the cart token names the storefront cart behind it: an alias.
  const identities = [
    mapped(raw.token, identityOf.checkoutToken),
    mapped(raw.id, identityOf.checkoutId),
    mapped(raw.cart_token, identityOf.cartToken),
  ];
  const id = identities[0] ?? identities[1] ?? null;
  if (id === null) details.push({ path: 'token', problem: 'a checkout needs a token or an id' });
  // The payload's own time, so a retry of an older payload (Shopify retries for up to 4 hours with
  // the original body) is older than the row and changes nothing.
  const at = occurredAt([['updated_at', raw.updated_at]], input.triggeredAt, details);
  const cart = snapshot(raw, id ?? '', raw.abandoned_checkout_url ?? null, details);
  if (id === null || at === null || cart === null) return { ok: false, details };
  // A completed checkout is a purchase even when the store does not send orders/create to us.
  const completed = raw.completed_at != null;
  // What a derived event id has always named the checkout by, so retries keep matching.
  const resource = raw.token ?? `checkout_${raw.id}`;
  return {
    ok: true,
    event: {
      id: eventId(input.eventId, topic, resource, raw.updated_at ?? at.text),
      type: completed ? EventType.checkedOut : EventType.updated,
      occurredAt: at.ms,
      cart,
      orderId: null,
      aliases: aliasesOf(id, identities),
    },
  };
}

function orderEvent(raw: Order, input: ShopifyWebhookInput, topic: ShopifyTopic): Built {
  const details: FieldProblem[] = [];
  // The order's cart is the checkout it came from, by the first link it carries; without any
  // link it is still recorded, as a bought cart of its own. Every other id becomes an alias, the
  // order's own included, so whichever side arrives first the other finds the same row.
  const identities = [
    mapped(raw.checkout_token, identityOf.checkoutToken),
    mapped(raw.checkout_id, identityOf.checkoutId),
    mapped(raw.cart_token, identityOf.cartToken),
    identityOf.order(raw.id),
  ];
  const id = identities.find((candidate) => candidate !== null) ?? identityOf.order(raw.id);
  const at = occurredAt(
    [
      ['processed_at', raw.processed_at],
      ['created_at', raw.created_at],
    ],
    input.triggeredAt,
    details,
  );
  const cart = snapshot({ ...raw, email: raw.email || raw.contact_email }, id, null, details);
  if (at === null || cart === null) return { ok: false, details };
  return {
    ok: true,
    event: {
      id: eventId(input.eventId, topic, `order_${raw.id}`, raw.updated_at ?? at.text),
      type: EventType.checkedOut,
      occurredAt: at.ms,
      cart,
      orderId: raw.id,
      aliases: aliasesOf(id, identities),
    },
  };
}

function snapshot(
  raw: Common,
  id: string,
  restoreUrl: string | null,
  details: FieldProblem[],
): CartSnapshot | null {
  const currency = raw.currency ?? raw.presentment_currency;
  if (!currency) {
    details.push({ path: 'currency', problem: 'is missing (and so is presentment_currency)' });
    return null;
  }
  const total = shopifyMoney(raw.total_price, currency);
  if (!total.ok) details.push({ path: 'total_price', problem: total.problem });
  const items = lineItems(raw.line_items, currency, details);
  if (!total.ok || details.length > 0) return null;
  return {
    id,
    // A blank or missing email (Shopify sends "" before the shopper types one) is no address.
    email: firstEmail([raw.email, raw.customer?.email]),
    currency,
    totalMinor: total.money.minor,
    items,
    restoreUrl,
    savedLink: false,
    // Shopify checkouts rarely carry the shopper's zone; the gate falls back to the store's.
    timezone: zoneOrNull(raw.customer?.timezone),
    consent: consentOf(raw),
  };
}

function lineItems(
  lines: Common['line_items'],
  currency: string,
  details: FieldProblem[],
): CartItem[] {
  const items: CartItem[] = [];
  lines.forEach((line, index) => {
    const price = shopifyMoney(line.price, currency);
    if (!price.ok) {
      details.push({ path: `line_items[${index}].price`, problem: price.problem });
      return;
    }
    // A line edited down to nothing is not something the shopper left behind.
    if (line.quantity === 0) return;
    const sku =
      line.sku?.trim() ||
      (line.variant_id == null ? `line_${index + 1}` : `variant_${line.variant_id}`);
    // Shopify names a product without options "Default Title"; that is noise in a reminder.
    const variant = stripFormatCharacters(line.variant_title ?? '').trim();
    const suffix = variant && variant !== 'Default Title' ? ` — ${variant}` : '';
    // Invisible format characters (bidi overrides, zero-width) out, as on the store lane.
    const title = stripFormatCharacters(line.title).trim() || sku;
    items.push({
      sku: stripFormatCharacters(sku).slice(0, LIMIT.sku) || `line_${index + 1}`,
      name: `${title}${suffix}`.slice(0, LIMIT.name),
      quantity: line.quantity,
      priceMinor: price.money.minor,
      url: null,
      imageUrl: null,
    });
  });
  return items;
}

/**
 * The first present time among the body's own fields, else X-Shopify-Triggered-At. The body's
 * times were validated by the schema; the header is checked here.
 */
function occurredAt(
  candidates: ReadonlyArray<readonly [string, string | null | undefined]>,
  triggeredAt: string | undefined,
  details: FieldProblem[],
): { ms: number; text: string } | null {
  for (const [, value] of candidates) {
    if (value) return { ms: Date.parse(value), text: value };
  }
  const names = candidates.map(([name]) => name).join(' or ');
  const header = triggeredAt?.trim();
  if (!header) {
    details.push({ path: names, problem: 'is missing, and so is X-Shopify-Triggered-At' });
    return null;
  }
  const checked = instant.safeParse(header);
  if (!checked.success) {
    details.push({
      path: 'headers.X-Shopify-Triggered-At',
      problem: `is needed because ${names} is missing, and ${checked.error.issues[0]?.message ?? 'is not a time'}`,
    });
    return null;
  }
  return { ms: Date.parse(header), text: header };
}

/**
 * Shopify has already accepted the address, so one our stricter check refuses is treated as no
 * address (the cart is kept and never mailed) rather than failing the webhook: a 4xx would make
 * Shopify retry, and a checkout or an order we drop is worse than a reminder we do not send.
 */
function firstEmail(candidates: ReadonlyArray<string | null | undefined>): string | null {
  for (const candidate of candidates) {
    if (!candidate?.trim()) continue;
    const normalised = normaliseEmail(candidate);
    if (normalised.ok) return normalised.email;
  }
  return null;
}

/** Only a real IANA zone is kept; Shopify's display names ("(GMT-05:00) Eastern Time") are not. */
function zoneOrNull(zone: string | null | undefined): string | null {
  const trimmed = zone?.trim();
  return trimmed && trimmed.length <= LIMIT.timezone && isTimeZone(trimmed) ? trimmed : null;
}
