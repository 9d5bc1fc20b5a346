/**
 * The store's cart event (SPEC section 1) as a zod schema: what POST /events and the snippet lane
 * accept. The rules themselves (ids, times, URLs, limits) are input-rules.ts'.
 */
import * as z from 'zod';
import { normaliseEmail } from './email.ts';
import { LIMIT } from './input-rules.ts';
import { httpUrlSchema, idSchema, isoInstantSchema } from './input-schemas.ts';
import { isCurrencyCode, parseMoney } from './money.ts';

export const EventType = { updated: 'cart.updated', checkedOut: 'cart.checked_out' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** A blank email means "none"; anything else must be an address. */
export const isBlankOrEmail = (value: string) => value.trim() === '' || normaliseEmail(value).ok;

/**
 * Invisible format characters (zero-width spaces, bidi overrides such as U+202E) let a name read
 * differently from what it is, in a reminder the store signs; they are removed from shopper text.
 */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
export const HAS_FORMAT_CHARACTER = /\p{Cf}/u;
export const stripFormatCharacters = (value: string) => value.replace(FORMAT_CHARACTERS, '');

const text = (max: number) =>
  z.string().transform(stripFormatCharacters).pipe(z.string().trim().min(1).max(max));

export const DECIMAL = /^\d{1,16}(\.\d+)?$/;
const decimal = z.string().regex(DECIMAL, 'must be a decimal string like "84.50"');

// Building an Intl.DateTimeFormat costs tens of microseconds; zones repeat, so remember answers.
const zoneCache = new Map<string, boolean>();

export function isTimeZone(zone: string): boolean {
  const known = zoneCache.get(zone);
  if (known !== undefined) return known;
  let valid = false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    valid = true;
  } catch {
    valid = false;
  }
  if (zoneCache.size < 2000) zoneCache.set(zone, valid);
  return valid;
}

export const itemSchema = z.strictObject({
  sku: text(LIMIT.sku),
  name: text(LIMIT.name),
  quantity: z.number().int().min(1).max(LIMIT.quantity),
  price: decimal,
  url: httpUrlSchema.nullish(),
  imageUrl: httpUrlSchema.nullish(),
});

export const cartSchema = z
  .strictObject({
    id: idSchema,
    // Checked here, not after parsing, so a bad email is reported together with every other field.
    email: z.string().max(LIMIT.email).refine(isBlankOrEmail, 'is not an email address').nullish(),
    currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code like "USD"'),
    total: decimal,
    items: z.array(itemSchema).max(LIMIT.items),
    restoreUrl: httpUrlSchema.nullish(),
    savedLink: z.boolean().nullish(),
    timezone: z
      .string()
      .max(LIMIT.timezone)
      .refine(isTimeZone, 'must be an IANA time zone like "Europe/Paris"')
      .nullish(),
    consent: z.boolean().nullish(),
  })
  .superRefine((cart, ctx) => {
    // Decimal places depend on the currency, so money is checked once the currency is known to be
    // real; every bad amount is named at once with the other fields.
    if (!isCurrencyCode(cart.currency)) return;
    const check = (amount: string, path: (string | number)[]) => {
      const money = parseMoney(amount, cart.currency);
      if (!money.ok) ctx.addIssue({ code: 'custom', path, message: money.problem });
    };
    if (DECIMAL.test(cart.total)) check(cart.total, ['total']);
    cart.items.forEach((item, index) => {
      if (DECIMAL.test(item.price)) check(item.price, ['items', index, 'price']);
    });
  });

export const eventSchema = z.strictObject({
  id: idSchema,
  type: z.enum([EventType.updated, EventType.checkedOut]),
  occurredAt: isoInstantSchema,
  cart: cartSchema,
  orderId: z.string().min(1).max(LIMIT.orderId).nullish(),
  aliases: z.array(idSchema).max(LIMIT.aliases).nullish(),
});

export type RawEvent = z.output<typeof eventSchema>;
