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
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CartItem, CartSnapshot } from './cart.ts';
import { normaliseEmail } from './email.ts';
import { type CartEvent, EventType, type FieldProblem, isTimeZone } from './events.ts';
import { currencyExponent, isCurrencyCode, type ParseMoneyResult, parseMoney } from './money.ts';

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

// The same rule as the cart/event ids in events.ts: ids become keys, schedule names, URL parts.
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
// Bounds of the store lane's item schema, so a Shopify cart looks like any other downstream.
const MAX_SKU = 128;
const MAX_NAME = 300;

const instant = z
  .string()
  .regex(ISO_INSTANT, 'must be an ISO 8601 time with a zone')
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real time');
const shopifyId = z.union([z.number().int().nonnegative(), z.string().trim().min(1).max(256)]);
const currencyCode = z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code');
const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http(s) URL',
  });

const lineItemSchema = z.looseObject({
  title: z.string().trim().min(1),
  variant_title: z.string().nullish(),
  variant_id: shopifyId.nullish(),
  sku: z.string().nullish(),
  quantity: z.number().int().min(0).max(100_000),
  price: z.string(),
});

const customerSchema = z.looseObject({
  email: z.string().nullish(),
  timezone: z.string().nullish(),
});

/** What checkouts and orders share: the cart contents, money and the shopper. */
const commonShape = {
  email: z.string().nullish(),
  currency: currencyCode.nullish(),
  presentment_currency: currencyCode.nullish(),
  total_price: z.string(),
  line_items: z.array(lineItemSchema),
  buyer_accepts_marketing: z.boolean().nullish(),
  customer: customerSchema.nullish(),
  created_at: instant.nullish(),
  updated_at: instant.nullish(),
};

const checkoutSchema = z.looseObject({
  ...commonShape,
  id: shopifyId.nullish(),
  token: z.string().trim().min(1).nullish(),
  abandoned_checkout_url: httpUrl.nullish(),
  completed_at: instant.nullish(),
});

const orderSchema = z.looseObject({
  ...commonShape,
  id: shopifyId,
  checkout_token: z.string().trim().min(1).nullish(),
  checkout_id: shopifyId.nullish(),
  contact_email: z.string().nullish(),
  processed_at: instant.nullish(),
});

type Common = z.infer<z.ZodObject<typeof commonShape>>;
type Checkout = z.infer<typeof checkoutSchema>;
type Order = z.infer<typeof orderSchema>;

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
  const parsed = schema.safeParse(input.body);
  if (!parsed.success) {
    return {
      kind: 'invalid',
      details: parsed.error.issues.map((issue) => ({
        path: pathOf(issue.path) || '(body)',
        problem: issue.message,
      })),
    };
  }
  const built = build(parsed.data, input, topic);
  return built.ok
    ? { kind: 'event', event: built.event }
    : { kind: 'invalid', details: built.details };
}

function checkoutEvent(raw: Checkout, input: ShopifyWebhookInput, topic: ShopifyTopic): Built {
  const details: FieldProblem[] = [];
  const key = raw.token ?? (raw.id == null ? null : `checkout_${raw.id}`);
  if (key === null) details.push({ path: 'token', problem: 'a checkout needs a token or an id' });
  // The payload's own time, so a retry of an older payload (Shopify retries for up to 4 hours with
  // the original body) is older than the row and changes nothing.
  const at = occurredAt([['updated_at', raw.updated_at]], input.triggeredAt, details);
  const cart = snapshot(raw, key ?? '', raw.abandoned_checkout_url ?? null, details);
  if (key === null || at === null || cart === null) return { ok: false, details };
  // A completed checkout is a purchase even when the store does not send orders/create to us.
  const completed = raw.completed_at != null;
  return {
    ok: true,
    event: {
      id: eventId(input.eventId, topic, key, raw.updated_at ?? at.text),
      type: completed ? EventType.checkedOut : EventType.updated,
      occurredAt: at.ms,
      cart,
      orderId: null,
    },
  };
}

function orderEvent(raw: Order, input: ShopifyWebhookInput, topic: ShopifyTopic): Built {
  const details: FieldProblem[] = [];
  // The order names the checkout it came from; without that it is still recorded as bought.
  const key =
    raw.checkout_token ??
    (raw.checkout_id == null ? `order_${raw.id}` : `checkout_${raw.checkout_id}`);
  const at = occurredAt(
    [
      ['processed_at', raw.processed_at],
      ['created_at', raw.created_at],
    ],
    input.triggeredAt,
    details,
  );
  const cart = snapshot({ ...raw, email: raw.email || raw.contact_email }, key, null, details);
  if (at === null || cart === null) return { ok: false, details };
  return {
    ok: true,
    event: {
      id: eventId(input.eventId, topic, `order_${raw.id}`, raw.updated_at ?? at.text),
      type: EventType.checkedOut,
      occurredAt: at.ms,
      cart,
      orderId: String(raw.id),
    },
  };
}

function snapshot(
  raw: Common,
  key: string,
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
    id: boundedId('shopify_', key),
    email: firstEmail([raw.email, raw.customer?.email]),
    currency,
    totalMinor: total.money.minor,
    items,
    restoreUrl,
    savedLink: false,
    // Shopify checkouts rarely carry the shopper's zone; the gate falls back to the store's.
    timezone: zoneOrNull(raw.customer?.timezone),
    consent: raw.buyer_accepts_marketing ?? null,
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
    const variant = line.variant_title?.trim();
    const suffix = variant && variant !== 'Default Title' ? ` — ${variant}` : '';
    items.push({
      sku: sku.slice(0, MAX_SKU),
      name: `${line.title}${suffix}`.slice(0, MAX_NAME),
      quantity: line.quantity,
      priceMinor: price.money.minor,
      url: null,
      imageUrl: null,
    });
  });
  return items;
}

/**
 * Shopify writes two decimals even for currencies without them ("4500.00" JPY). Zeros past the
 * currency's digits carry no value, so they are dropped before the exact parse; a non-zero digit
 * there still fails, and the problem quotes the amount as Shopify sent it.
 */
function shopifyMoney(amount: string, currency: string): ParseMoneyResult {
  const dot = amount.indexOf('.');
  let end = amount.length;
  if (dot >= 0) {
    const exponent = currencyExponent(currency);
    while (end - dot - 1 > exponent && amount[end - 1] === '0') end -= 1;
    if (end === dot + 1 && end < amount.length) end = dot;
  }
  const parsed = parseMoney(amount.slice(0, end), currency);
  return parsed.ok ? parsed : parseMoney(amount, currency);
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
 * Shopify's event id is the same on every retry of one delivery, so it de-duplicates retries.
 * When a caller sends neither id header, a retry must still map to the same id, or intake would
 * record it twice: (topic, resource, updated_at) is identical on every retry, because Shopify
 * retries with the original body, while any real change moves updated_at.
 */
function eventId(
  header: string | undefined,
  topic: string,
  resource: string,
  stamp: string,
): string {
  const given = header?.trim();
  if (given) return boundedId('shopify_', given);
  return `shopify_d_${sha256(`${topic}\n${resource}\n${stamp}`).slice(0, 40)}`;
}

/** Keeps an id inside the id rule: a foreign value that would break it is hashed, not rejected. */
function boundedId(prefix: string, raw: string): string {
  const id = `${prefix}${raw}`;
  return ID.test(id) ? id : `${prefix}h_${sha256(raw).slice(0, 40)}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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
  return trimmed && trimmed.length <= 64 && isTimeZone(trimmed) ? trimmed : null;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}
