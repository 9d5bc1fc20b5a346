/**
 * The parts of a WooCommerce order (REST API v3 order schema: the webhook body is the order as
 * the API returns it) we read, validated with zod. Unknown keys are allowed; each bad field we
 * read is named with WooCommerce's own path.
 */
import * as z from 'zod';
import { isHttpUrl } from '../../domain/input-rules.ts';
import { currencyExponent, isCurrencyCode } from '../../domain/money.ts';

const MAX_ID = 20;

/**
 * WooCommerce ids are integers. The body is parsed losslessly, so one past 2^53 arrives as its
 * digits and a smaller one as a number; either way it leaves here as its exact digits.
 */
export const wooId = z
  .union([z.number(), z.string()], { error: 'must be a whole number' })
  .transform((value, ctx) => {
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
    if (typeof text === 'string' && /^\d+$/.test(text) && text.length <= MAX_ID) return text;
    ctx.addIssue({ code: 'custom', message: 'must be a whole number of 0 or more' });
    return z.NEVER;
  });

// WooCommerce's *_gmt times carry no zone: they are UTC by definition.
const gmtTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/, 'must be a time like 2026-11-23T12:58:00')
  .transform((value) => Date.parse(`${value}Z`))
  .refine((ms) => Number.isFinite(ms) && ms >= 0, 'is not a real time');

const decimalText = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).trim())
  .refine((value) => /^\d{1,16}(\.\d+)?$/.test(value), 'must be a decimal amount like "84.50"');

const link = z
  .string()
  .max(2048)
  .nullish()
  .transform((value) => (value && isHttpUrl(value) ? new URL(value).href : null));

const lineItemSchema = z.looseObject({
  id: wooId.nullish(),
  name: z.string().nullish(),
  product_id: wooId.nullish(),
  variation_id: wooId.nullish(),
  quantity: z.number().int(),
  sku: z.string().nullish(),
  subtotal: decimalText,
  subtotal_tax: decimalText.nullish(),
  image: z.looseObject({ src: link }).nullish(),
});
export type WooLineItem = z.output<typeof lineItemSchema>;

export const orderSchema = z.looseObject({
  id: wooId,
  status: z.string().min(1),
  currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code'),
  total: decimalText,
  prices_include_tax: z.boolean().nullish(),
  date_created_gmt: gmtTime,
  date_modified_gmt: gmtTime.nullish(),
  billing: z.looseObject({ email: z.string().nullish() }).nullish(),
  payment_url: link,
  line_items: z.array(lineItemSchema).default([]),
  meta_data: z
    .array(z.looseObject({ key: z.string(), value: z.unknown() }))
    .nullish()
    .transform((entries) => entries ?? []),
});
export type WooOrder = z.output<typeof orderSchema>;

/**
 * A WooCommerce amount in minor units. The store picks how many decimals it writes, which may be
 * more than the currency has ("84.500" for USD): extra digits are rounded half up, since the
 * store has already charged or will charge the amount it shows, not ours.
 */
export function wooMinor(decimal: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const [whole = '0', fraction = ''] = decimal.split('.');
  const kept = Number(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
  return (fraction[exponent] ?? '0') >= '5' ? kept + 1 : kept;
}

const YES = new Set(['1', 'yes', 'true', 'on', 'opt_in', 'opted_in', 'subscribed']);
const NO = new Set(['0', 'no', 'false', 'off', 'opt_out', 'opted_out', '']);

/** The consent meta value as plugins write it (true, 1, "yes", "on"...); unknown says nothing. */
export function consentOf(order: WooOrder, metaKey: string | undefined): boolean | null {
  if (!metaKey) return null;
  const entry = order.meta_data.findLast((meta) => meta.key === metaKey);
  if (entry === undefined) return null;
  const value = typeof entry.value === 'string' ? entry.value.trim().toLowerCase() : entry.value;
  if (value === true || value === 1 || YES.has(String(value))) return true;
  if (value === false || value === 0 || (typeof value === 'string' && NO.has(value))) return false;
  return null;
}
