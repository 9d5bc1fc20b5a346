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
  /**
   * Other ids the store knows this cart by (a checkout token, a cart token, an order-side id).
   * Any of them finds the same row, whichever arrives first. Never includes `cart.id`; absent or
   * empty for a store with one id per cart.
   */
  readonly aliases?: readonly string[];
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

/** Every bound an event's fields have, read by the schema and by the shortcut alike. */
const LIMIT = {
  sku: 128,
  name: 300,
  quantity: 100_000,
  url: 2048,
  email: 320,
  items: 500,
  timezone: 64,
  orderId: 128,
  aliases: 16,
} as const;

/**
 * Control characters and spaces are refused, not cleaned: the URL parser silently drops tabs and
 * line breaks, so "https://shop.example/\r\nSet-Cookie: x" would pass the parse and then reach a
 * Location header as written.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const URL_UNSAFE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;

export function isHttpUrl(value: string): boolean {
  if (URL_UNSAFE.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A blank email means "none"; anything else must be an address. */
const isBlankOrEmail = (value: string) => value.trim() === '' || normaliseEmail(value).ok;

/**
 * Invisible format characters (zero-width spaces, bidi overrides such as U+202E) let a name read
 * differently from what it is, in a reminder the store signs; they are removed from shopper text.
 */
const FORMAT_CHARACTERS = /\p{Cf}/gu;
const HAS_FORMAT_CHARACTER = /\p{Cf}/u;
export const stripFormatCharacters = (value: string) => value.replace(FORMAT_CHARACTERS, '');

const text = (max: number) =>
  z.string().transform(stripFormatCharacters).pipe(z.string().trim().min(1).max(max));
const httpUrl = z
  .string()
  .max(LIMIT.url)
  .refine(isHttpUrl, 'must be an http(s) URL, without spaces or control characters');

/** The one spelling a URL is stored and compared in (the parser's own): what is signed is what is sent. */
const normalUrl = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : new URL(value).href;

const DECIMAL = /^\d{1,16}(\.\d+)?$/;
const ISO_INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const decimal = z.string().regex(DECIMAL, 'must be a decimal string like "84.50"');

const isoInstant = z
  .string()
  .regex(ISO_INSTANT_PATTERN, {
    message: 'must be an ISO 8601 time with a zone, like 2026-11-23T07:58:00Z',
    abort: true,
  })
  .refine((value) => Number.isFinite(Date.parse(value)), {
    message: 'is not a real time',
    abort: true,
  })
  // Before 1970 a time is negative, and event stamps compare as text: 1900 would sort after 1901.
  .refine((value) => Date.parse(value) >= 0, 'must not be before 1970-01-01T00:00:00Z');

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
  sku: text(LIMIT.sku),
  name: text(LIMIT.name),
  quantity: z.number().int().min(1).max(LIMIT.quantity),
  price: decimal,
  url: httpUrl.nullish(),
  imageUrl: httpUrl.nullish(),
});

const cartSchema = z
  .strictObject({
    id: idField,
    // Checked here, not after parsing, so a bad email is reported together with every other field.
    email: z.string().max(LIMIT.email).refine(isBlankOrEmail, 'is not an email address').nullish(),
    currency: z.string().refine(isCurrencyCode, 'must be an ISO 4217 currency code like "USD"'),
    total: decimal,
    items: z.array(itemSchema).max(LIMIT.items),
    restoreUrl: httpUrl.nullish(),
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
  id: idField,
  type: z.enum([EventType.updated, EventType.checkedOut]),
  occurredAt: isoInstant,
  cart: cartSchema,
  orderId: z.string().min(1).max(LIMIT.orderId).nullish(),
  aliases: z.array(idField).max(LIMIT.aliases).nullish(),
});

export type ParseEventResult =
  | { readonly ok: true; readonly event: CartEvent }
  | { readonly ok: false; readonly details: readonly FieldProblem[] };

type RawEvent = z.output<typeof eventSchema>;

/**
 * Validates a parsed JSON body and turns it into a domain event with exact money.
 *
 * Most bodies a store sends are well-formed, and for them a plain check is cheaper than the
 * schema (intake's hot path: the whole parse takes about 6.5 µs per event, against 14 µs through
 * the schema; the check itself about 4.7). The check is only ever a
 * shortcut to the same answer: it says yes only to bodies the schema accepts unchanged, and
 * anything else, every error included, is decided and explained by the schema. A property test
 * holds the two to the same answer on valid, near-valid and arbitrary bodies.
 */
export function parseCartEvent(body: unknown): ParseEventResult {
  return isWellFormedEvent(body) ? toCartEvent(body) : parseCartEventWithSchema(body);
}

/** The schema alone: the reference parseCartEvent must agree with, and the error path. */
export function parseCartEventWithSchema(body: unknown): ParseEventResult {
  const parsed = eventSchema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      details: fieldProblems(parsed.error.issues),
    };
  }
  return toCartEvent(parsed.data);
}

/** A schema's keys, and those it cannot do without (whose schema refuses `undefined`). */
function keysOf(shape: Record<string, z.ZodType>) {
  const keys = Object.keys(shape);
  return {
    allowed: new Set(keys) as ReadonlySet<string>,
    required: keys.filter((key) => !shape[key]?.safeParse(undefined).success),
  };
}

const EVENT_KEYS = keysOf(eventSchema.shape);
const CART_KEYS = keysOf(cartSchema.shape);
const ITEM_KEYS = keysOf(itemSchema.shape);

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Only known keys, and every required one present. */
function hasKeys(value: Fields, { allowed, required }: ReturnType<typeof keysOf>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return required.every((key) => key in value);
}

const isId = (value: unknown) => typeof value === 'string' && ID.test(value);
const isAbsent = (value: unknown) => value === undefined || value === null;
/** Already trimmed: the schema would trim it, and this shortcut passes bodies through unchanged. */
const isText = (value: unknown, max: number) =>
  typeof value === 'string' && !HAS_FORMAT_CHARACTER.test(value) && isPlainText(value, max);
const isPlainText = (value: string, max: number) =>
  value.length >= 1 && value.length <= max && value.trim() === value;
const isMoney = (value: unknown, currency: string) =>
  typeof value === 'string' && DECIMAL.test(value) && parseMoney(value, currency).ok;

const isOptionalUrl = (value: unknown) =>
  isAbsent(value) || (typeof value === 'string' && value.length <= LIMIT.url && isHttpUrl(value));

function isWellFormedItem(item: unknown, currency: string): boolean {
  return (
    isFields(item) &&
    hasKeys(item, ITEM_KEYS) &&
    isText(item.sku, LIMIT.sku) &&
    isText(item.name, LIMIT.name) &&
    typeof item.quantity === 'number' &&
    Number.isInteger(item.quantity) &&
    item.quantity >= 1 &&
    item.quantity <= LIMIT.quantity &&
    isMoney(item.price, currency) &&
    isOptionalUrl(item.url) &&
    isOptionalUrl(item.imageUrl)
  );
}

/** By index, not `every`: `every` skips holes, which the schema reports as missing items. */
function everyItem(items: readonly unknown[], currency: string): boolean {
  for (let index = 0; index < items.length; index++) {
    if (!isWellFormedItem(items[index], currency)) return false;
  }
  return true;
}

function isWellFormedCart(cart: unknown): boolean {
  if (!isFields(cart) || !hasKeys(cart, CART_KEYS)) {
    return false;
  }
  const { email, currency, items, timezone } = cart;
  return (
    isId(cart.id) &&
    (isAbsent(email) ||
      (typeof email === 'string' && email.length <= LIMIT.email && isBlankOrEmail(email))) &&
    typeof currency === 'string' &&
    isCurrencyCode(currency) &&
    isMoney(cart.total, currency) &&
    Array.isArray(items) &&
    items.length <= LIMIT.items &&
    everyItem(items, currency) &&
    isOptionalUrl(cart.restoreUrl) &&
    (isAbsent(cart.savedLink) || typeof cart.savedLink === 'boolean') &&
    (isAbsent(timezone) ||
      (typeof timezone === 'string' &&
        timezone.length <= LIMIT.timezone &&
        isTimeZone(timezone))) &&
    (isAbsent(cart.consent) || typeof cart.consent === 'boolean')
  );
}

/** By index for the same reason as everyItem: a hole is a missing alias to the schema. */
function isAliasList(value: unknown): boolean {
  if (!Array.isArray(value) || value.length > LIMIT.aliases) return false;
  for (let index = 0; index < value.length; index++) if (!isId(value[index])) return false;
  return true;
}

/** Yes only for a body the schema would accept and return unchanged (see parseCartEvent). */
export function isWellFormedEvent(body: unknown): body is RawEvent {
  if (!isFields(body) || !hasKeys(body, EVENT_KEYS)) {
    return false;
  }
  const { occurredAt, orderId, aliases } = body;
  return (
    isId(body.id) &&
    (body.type === EventType.updated || body.type === EventType.checkedOut) &&
    typeof occurredAt === 'string' &&
    ISO_INSTANT_PATTERN.test(occurredAt) &&
    Date.parse(occurredAt) >= 0 &&
    (isAbsent(orderId) ||
      (typeof orderId === 'string' && orderId.length >= 1 && orderId.length <= LIMIT.orderId)) &&
    (isAbsent(aliases) || isAliasList(aliases)) &&
    isWellFormedCart(body.cart)
  );
}

/**
 * How far ahead of the server's clock an event may claim to be. A few minutes of store clock
 * skew is normal; an event "from" next year would freeze its cart (every later, real change
 * looks older and is ignored) until then.
 */
export const MAX_AHEAD_MS = 5 * 60_000;

export function aheadOfClock(event: Pick<CartEvent, 'occurredAt'>, now: number): FieldProblem[] {
  if (event.occurredAt <= now + MAX_AHEAD_MS) return [];
  return [
    {
      path: 'occurredAt',
      problem: `is ${new Date(event.occurredAt).toISOString()}, more than 5 minutes after the server's time (${new Date(now).toISOString()}); send the time the cart changed`,
    },
  ];
}

/** The aliases once each, without the cart's own id: what the row's identity list adds. */
export function otherIds(
  aliases: readonly string[] | null | undefined,
  cartId: string,
): readonly string[] {
  if (aliases === null || aliases === undefined || aliases.length === 0) return [];
  return [...new Set(aliases)].filter((alias) => alias !== cartId);
}

/** From a body the schema (or the shortcut) accepted to the domain event, money made exact. */
function toCartEvent(raw: RawEvent): ParseEventResult {
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
      url: normalUrl(item.url),
      imageUrl: normalUrl(item.imageUrl),
    });
  });

  let email: string | null = null;
  if (raw.cart.email !== undefined && raw.cart.email !== null && raw.cart.email.trim() !== '') {
    const normalised = normaliseEmail(raw.cart.email);
    if (normalised.ok) email = normalised.email;
    else details.push({ path: 'cart.email', problem: normalised.problem });
  }

  if (details.length > 0 || !total.ok) return { ok: false, details };
  const aliases = otherIds(raw.aliases, raw.cart.id);

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
        restoreUrl: normalUrl(raw.cart.restoreUrl),
        savedLink: raw.cart.savedLink ?? false,
        timezone: raw.cart.timezone ?? null,
        consent: raw.cart.consent ?? null,
      },
      ...(aliases.length > 0 ? { aliases } : {}),
    },
  };
}
