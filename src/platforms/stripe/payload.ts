/**
 * The parts of a Stripe Event and its Checkout Session we read, validated with zod. Stripe adds
 * fields with every API version, so unknown keys are allowed; each bad field we do read is named
 * with the path Stripe's own reference uses (`data.object.amount_total`).
 */
import * as z from 'zod';
import { isHttpUrl } from '../../domain/input-rules.ts';
import { currencyExponent, isCurrencyCode } from '../../domain/money.ts';

/** Stripe ids are strings (`evt_…`, `cs_live_…`): kept exactly as sent. */
const stripeId = z.string().trim().min(1).max(255);
const unixSeconds = z.number().int().min(0);
const httpUrl = z
  .string()
  .max(2048)
  .refine(isHttpUrl, 'must be an http(s) URL, without spaces or control characters')
  .transform((value) => new URL(value).href);
// Stripe writes currencies in lower case ("usd").
const currency = z
  .string()
  .transform((value) => value.toUpperCase())
  .refine(isCurrencyCode, 'must be an ISO 4217 currency code');

export const sessionSchema = z.looseObject({
  id: stripeId,
  object: z.literal('checkout.session').optional(),
  currency: currency.nullish(),
  amount_total: z.number().int().min(0).nullish(),
  customer_email: z.string().nullish(),
  customer_details: z.looseObject({ email: z.string().nullish() }).nullish(),
  after_expiration: z
    .looseObject({
      recovery: z.looseObject({ url: httpUrl.nullish() }).nullish(),
    })
    .nullish(),
  recovered_from: stripeId.nullish(),
  consent: z.looseObject({ promotions: z.string().nullish() }).nullish(),
});
export type StripeSession = z.output<typeof sessionSchema>;

export const eventSchema = z.looseObject({
  id: stripeId,
  type: z.string().min(1),
  created: unixSeconds,
  data: z.looseObject({ object: z.unknown() }),
});

export const lineItemSchema = z.looseObject({
  id: stripeId,
  description: z.string().nullish(),
  quantity: z.number().int().min(0).nullish(),
  amount_subtotal: z.number().int().min(0).nullish(),
  price: z
    .looseObject({
      id: z.string().nullish(),
      unit_amount: z.number().int().min(0).nullish(),
      product: z.unknown(),
    })
    .nullish(),
});
export type StripeLineItem = z.output<typeof lineItemSchema>;

export const lineItemPageSchema = z.looseObject({
  data: z.array(lineItemSchema),
  has_more: z.boolean(),
});

// Stripe's minor units (docs "Supported currencies"): these have none, these have three, every
// other currency two, ISK included, which ICU (and so money.ts) counts as having none.
const STRIPE_ZERO_DECIMAL = new Set(
  'BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF'.split(' '),
);
const STRIPE_THREE_DECIMAL = new Set('BHD JOD KWD OMR TND'.split(' '));

function stripeExponent(code: string): number {
  if (STRIPE_ZERO_DECIMAL.has(code)) return 0;
  return STRIPE_THREE_DECIMAL.has(code) ? 3 : 2;
}

/**
 * A Stripe amount in our minor units of the currency. They differ only where Stripe keeps two
 * decimals for backward compatibility (ISK: Stripe's 100 is one króna, which has no minor unit
 * for us); such amounts are whole units by Stripe's own rule, and a legacy fraction is rounded.
 */
export function fromStripeAmount(amount: number, code: string): number {
  const shift = currencyExponent(code) - stripeExponent(code);
  if (shift >= 0) return amount * 10 ** shift;
  return Math.round(amount / 10 ** -shift);
}

/** `consent.promotions`: "opt_in" is a yes, "opt_out" a no; not collected says nothing. */
export function consentOf(session: StripeSession): boolean | null {
  const promotions = session.consent?.promotions;
  if (promotions === 'opt_in') return true;
  if (promotions === 'opt_out') return false;
  return null;
}
