/**
 * The parts of Shopify's checkout and order payloads we read, validated with zod. Shopify sends many
 * more fields and adds new ones over time, so unknown keys are allowed; each bad field we do read
 * is named in the problems, with the path Shopify's own documentation uses.
 */
import { z } from 'zod';
import type { FieldProblem } from './events.ts';
import { fieldProblems } from './field-problems.ts';
import { currencyExponent, isCurrencyCode, type ParseMoneyResult, parseMoney } from './money.ts';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export const instant = z
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

export const checkoutSchema = z.looseObject({
  ...commonShape,
  id: shopifyId.nullish(),
  token: z.string().trim().min(1).nullish(),
  abandoned_checkout_url: httpUrl.nullish(),
  completed_at: instant.nullish(),
});

export const orderSchema = z.looseObject({
  ...commonShape,
  id: shopifyId,
  checkout_token: z.string().trim().min(1).nullish(),
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
