/**
 * The plain check in front of the event schema (see parseCartEvent in events.ts): yes only to
 * bodies the schema accepts unchanged, so it can only ever be a shortcut to the same answer. A
 * property test (events-shortcut.property.test.ts) holds the two together.
 */
import type { z } from 'zod';
import {
  cartSchema,
  DECIMAL,
  EventType,
  eventSchema,
  HAS_FORMAT_CHARACTER,
  isBlankOrEmail,
  isTimeZone,
  itemSchema,
  type RawEvent,
} from './event-schema.ts';
import { ISO_INSTANT, isCartId, isHttpUrl, LIMIT } from './input-rules.ts';
import { isCurrencyCode, parseMoney } from './money.ts';

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
    isCartId(cart.id) &&
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
  for (let index = 0; index < value.length; index++) if (!isCartId(value[index])) return false;
  return true;
}

/** Yes only for a body the schema would accept and return unchanged (see parseCartEvent). */
export function isWellFormedEvent(body: unknown): body is RawEvent {
  if (!isFields(body) || !hasKeys(body, EVENT_KEYS)) {
    return false;
  }
  const { occurredAt, orderId, aliases } = body;
  return (
    isCartId(body.id) &&
    (body.type === EventType.updated || body.type === EventType.checkedOut) &&
    typeof occurredAt === 'string' &&
    ISO_INSTANT.test(occurredAt) &&
    Date.parse(occurredAt) >= 0 &&
    (isAbsent(orderId) ||
      (typeof orderId === 'string' && orderId.length >= 1 && orderId.length <= LIMIT.orderId)) &&
    (isAbsent(aliases) || isAliasList(aliases)) &&
    isWellFormedCart(body.cart)
  );
}
