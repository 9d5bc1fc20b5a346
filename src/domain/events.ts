/**
 * The store's cart event (SPEC section 1), validated at the edge with zod. Every bad field is
 * named in `details`, and nothing half-valid ever becomes a CartEvent.
 */
import { z } from 'zod';
import type { CartItem, CartSnapshot } from './cart.ts';
import { normaliseEmail } from './email.ts';
import { type FieldProblem, fieldProblems } from './field-problems.ts';

export type { FieldProblem } from './field-problems.ts';

import { isCurrencyCode, parseMoney } from './money.ts';

export const EventType = { updated: 'cart.updated', checkedOut: 'cart.checked_out' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface CartEvent {
  readonly id: string;
  readonly type: EventType;
  readonly occurredAt: number;
  readonly cart: CartSnapshot;
  readonly orderId: string | null;
}

/**
 * Ids become keys, schedule names, file names and URL parts: keep them printable and bounded, and
 * never let ".." through, so no id can read as a parent-directory step.
 */
const ID = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const idField = z
  .string()
  .regex(
    ID,
    'must be 1-128 characters of letters, digits, "_", "-", ".", ":" starting with a letter or digit, without ".."',
  );

const text = (max: number) => z.string().trim().min(1).max(max);
const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const DECIMAL = /^\d{1,16}(\.\d+)?$/;
const decimal = z.string().regex(DECIMAL, 'must be a decimal string like "84.50"');

const isoInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'must be an ISO 8601 time with a zone, like 2026-11-23T07:58:00Z',
    abort: true,
  })
  .refine((value) => Number.isFinite(Date.parse(value)), 'is not a real time');

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

const itemSchema = z.strictObject({
  sku: text(128),
  name: text(300),
  quantity: z.number().int().min(1).max(100_000),
  price: decimal,
  url: httpUrl.nullish(),
  imageUrl: httpUrl.nullish(),
});

const cartSchema = z
  .strictObject({
    id: idField,
    // Checked here, not after parsing, so a bad email is reported together with every other field.
    email: z
      .string()
      .max(320)
      .refine((value) => value.trim() === '' || normaliseEmail(value).ok, 'is not an email address')
      .nullish(),
    currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code like "USD"'),
    total: decimal,
    items: z.array(itemSchema).max(500),
    restoreUrl: httpUrl.nullish(),
    savedLink: z.boolean().nullish(),
    timezone: z
      .string()
      .max(64)
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
  id: idField,
  type: z.enum([EventType.updated, EventType.checkedOut]),
  occurredAt: isoInstant,
  cart: cartSchema,
  orderId: z.string().min(1).max(128).nullish(),
});

export type ParseEventResult =
  | { readonly ok: true; readonly event: CartEvent }
  | { readonly ok: false; readonly details: readonly FieldProblem[] };

/** Validates a parsed JSON body and turns it into a domain event with exact money. */
export function parseCartEvent(body: unknown): ParseEventResult {
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      details: fieldProblems(parsed.error.issues),
    };
  }
  const raw = parsed.data;
  const details: FieldProblem[] = [];
  const currency = raw.cart.currency;

  const total = parseMoney(raw.cart.total, currency);
  if (!total.ok) details.push({ path: 'cart.total', problem: total.problem });

  const items: CartItem[] = [];
  raw.cart.items.forEach((item, index) => {
    const price = parseMoney(item.price, currency);
    if (!price.ok) {
      details.push({ path: `cart.items[${index}].price`, problem: price.problem });
      return;
    }
    items.push({
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
      priceMinor: price.money.minor,
      url: item.url ?? null,
      imageUrl: item.imageUrl ?? null,
    });
  });

  let email: string | null = null;
  if (raw.cart.email !== undefined && raw.cart.email !== null && raw.cart.email.trim() !== '') {
    const normalised = normaliseEmail(raw.cart.email);
    if (normalised.ok) email = normalised.email;
    else details.push({ path: 'cart.email', problem: normalised.problem });
  }

  if (details.length > 0 || !total.ok) return { ok: false, details };

  return {
    ok: true,
    event: {
      id: raw.id,
      type: raw.type,
      occurredAt: Date.parse(raw.occurredAt),
      orderId: raw.orderId ?? null,
      cart: {
        id: raw.cart.id,
        email,
        currency,
        totalMinor: total.money.minor,
        items,
        restoreUrl: raw.cart.restoreUrl ?? null,
        savedLink: raw.cart.savedLink ?? false,
        timezone: raw.cart.timezone ?? null,
        consent: raw.cart.consent ?? null,
      },
    },
  };
}
