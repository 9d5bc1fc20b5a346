/**
 * The parts of Shopify's checkout and order payloads we read, validated with zod. Shopify sends many
 * more fields and adds new ones over time, so unknown keys are allowed; each bad field we do read
 * is named in the problems, with the path Shopify's own documentation uses.
 */
import * as z from 'zod';
import { type FieldProblem, fieldProblems } from '../../domain/field-problems.ts';
import { HTTP_URL_RULE, isHttpUrl, LIMIT } from '../../domain/input-rules.ts';
import { isoInstantSchema } from '../../domain/input-schemas.ts';
import {
  currencyExponent,
  isCurrencyCode,
  type ParseMoneyResult,
  parseMoney,
} from '../../domain/money.ts';

// The bound of POST /events' orderId, so an order id from Shopify fits wherever one from a store does.
const MAX_ID = LIMIT.orderId;

/** The store lane's time rule: a real ISO time with a zone, not before 1970. */
export const instant = isoInstantSchema;
/**
 * Shopify's ids are 64-bit integers, sent as JSON numbers. The route parses them losslessly, so an
 * id past 2^53 arrives as its digits (a string) and a smaller one as a number; either way it leaves
 * here as a string, digit for digit. A number past 2^53 has already been rounded by whoever parsed
 * it, so it is refused rather than trusted: it would name an order or checkout that does not exist.
 */
export const shopifyId = z
  .union([z.number(), z.string()], { error: 'must be an id: a whole number or a string' })
  .transform((value, ctx) => {
    if (typeof value === 'string') {
      const id = value.trim();
      if (id.length >= 1 && id.length <= MAX_ID) return id;
      ctx.addIssue({ code: 'custom', message: `must be 1-${MAX_ID} characters` });
    } else if (Number.isSafeInteger(value) && value >= 0) {
      return String(value);
    } else {
      ctx.addIssue({
        code: 'custom',
        message: Number.isInteger(value)
          ? 'is a number past 2^53, so its last digits were lost when it was parsed'
          : 'must be a whole number of 0 or more',
      });
    }
    return z.NEVER;
  });
/** A token Shopify may leave blank (`""`) as well as null: blank means there is none. */
const token = z
  .string()
  .nullish()
  .transform((value) => value?.trim() || null);
const currencyCode = z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code');
// The store lane's rule (no spaces or control characters: they would reach a Location header),
// stored in the URL parser's one spelling.
const httpUrl = z
  .string()
  .max(LIMIT.url)
  .refine(isHttpUrl, { message: HTTP_URL_RULE })
  .transform((value) => new URL(value).href);

const lineItemSchema = z.looseObject({
  title: z.string().trim().min(1),
  variant_title: z.string().nullish(),
  variant_id: shopifyId.nullish(),
  sku: z.string().nullish(),
  quantity: z.number().int().min(0).max(100_000),
  price: z.string(),
});

/**
 * The customer's email consent record (Shopify REST: `state`, `opt_in_level`,
 * `consent_updated_at`). Only the state is read; a state Shopify adds later is still a string.
 */
const emailConsentSchema = z.looseObject({
  state: z.string().nullish(),
});

const customerSchema = z.looseObject({
  email: z.string().nullish(),
  timezone: z.string().nullish(),
  email_marketing_consent: emailConsentSchema.nullish(),
});

/** What checkouts and orders share: the cart contents, money and the shopper. */
const commonShape = {
  email: z.string().nullish(),
  currency: currencyCode.nullish(),
  presentment_currency: currencyCode.nullish(),
  total_price: z.string(),
  line_items: z.array(lineItemSchema),
  cart_token: token,
  buyer_accepts_marketing: z.boolean().nullish(),
  customer: customerSchema.nullish(),
  created_at: instant.nullish(),
  updated_at: instant.nullish(),
};

export const checkoutSchema = z.looseObject({
  ...commonShape,
  // Gone from checkout webhooks since API 2026-04; older versions still send it.
  id: shopifyId.nullish(),
  token,
  abandoned_checkout_url: httpUrl.nullish(),
  completed_at: instant.nullish(),
});

export const orderSchema = z.looseObject({
  ...commonShape,
  id: shopifyId,
  checkout_token: token,
  // Gone from order webhooks since API 2026-04; older versions still send it.
  checkout_id: shopifyId.nullish(),
  contact_email: z.string().nullish(),
  processed_at: instant.nullish(),
});

export type Common = z.infer<z.ZodObject<typeof commonShape>>;
export type Checkout = z.infer<typeof checkoutSchema>;
export type Order = z.infer<typeof orderSchema>;

export type PayloadResult<T> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly details: FieldProblem[] };

export function parsePayload<T>(schema: z.ZodType<T>, body: unknown): PayloadResult<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    details: fieldProblems(parsed.error.issues),
  };
}

/**
 * Shopify writes two decimals even for currencies without them ("4500.00" JPY). Zeros past the
 * currency's digits carry no value, so they are dropped before the exact parse; a non-zero digit
 * there still fails, and the problem quotes the amount as Shopify sent it.
 */
export function shopifyMoney(amount: string, currency: string): ParseMoneyResult {
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

/** Shopify's email marketing states (REST spells them in lower case, GraphQL in upper). */
export const EmailConsentState = {
  subscribed: 'subscribed',
  notSubscribed: 'not_subscribed',
  unsubscribed: 'unsubscribed',
  /** Double opt-in asked for and not yet confirmed. */
  pending: 'pending',
  /** The customer's data was erased. */
  redacted: 'redacted',
  invalid: 'invalid',
} as const;

/**
 * Whether the shopper agreed to marketing email, or null when the payload does not say.
 *
 * The customer's consent record wins over the checkout's `buyer_accepts_marketing`: the record is
 * what Shopify keeps current (an unsubscribe from the store's newsletter, a confirmed or pending
 * double opt-in), while the boolean only says whether a box was ticked at some checkout. Only
 * `subscribed` is a yes. `pending` is a no until the shopper confirms, and so is every other
 * state, including any Shopify adds later: a reminder we hold back is better than one sent
 * without consent. Without a record, the boolean decides; without either, nothing is known.
 */
export function consentOf(
  raw: Pick<Common, 'buyer_accepts_marketing' | 'customer'>,
): boolean | null {
  const state = raw.customer?.email_marketing_consent?.state?.trim().toLowerCase();
  if (state) return state === EmailConsentState.subscribed;
  return raw.buyer_accepts_marketing ?? null;
}
