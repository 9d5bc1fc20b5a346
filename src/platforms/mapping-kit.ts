/**
 * Small rules every platform folder maps by, so a Stripe or WooCommerce cart looks like any other
 * downstream: ids inside the id rule, a foreign address we cannot use treated as none, links off
 * CR_STORE_HOSTS dropped, and JSON read without losing a digit of a 64-bit id.
 */
import { createHash } from 'node:crypto';
import { parse } from 'lossless-json';
import { normaliseEmail } from '../domain/email.ts';
import type { CartEvent } from '../domain/events.ts';
import { linksOffHosts } from '../domain/store-hosts.ts';

// The cart/event id rule of events.ts: ids become keys, schedule names, file names, URL parts.
const ID = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** The store lane's item bounds (events.ts), so a platform's line reads like a store's. */
export const ITEM_LIMIT = { sku: 128, name: 300, items: 500, quantity: 100_000 } as const;

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Keeps an id inside the id rule: a foreign value that would break it is hashed, not rejected. */
export function boundedId(prefix: string, raw: string): string {
  const id = `${prefix}${raw}`;
  return ID.test(id) ? id : `${prefix}h_${sha256Hex(raw).slice(0, 40)}`;
}

/**
 * The first usable address. The platform has already accepted it, so one our stricter check
 * refuses is no address (the cart is kept and never mailed) rather than a failed webhook.
 */
export function firstEmail(candidates: ReadonlyArray<string | null | undefined>): string | null {
  for (const candidate of candidates) {
    if (!candidate?.trim()) continue;
    const normalised = normaliseEmail(candidate);
    if (normalised.ok) return normalised.email;
  }
  return null;
}

/**
 * The event with every link off CR_STORE_HOSTS taken out (all kept when none are listed). Dropped,
 * not refused: a 4xx makes the platform retry and then give up, and a lost purchase is worse than
 * a lost link (without its restore link the cart is never mailed: nothing_to_recover).
 */
export function onStoreHostsOnly(event: CartEvent, storeHosts: readonly string[]): CartEvent {
  if (storeHosts.length === 0) return event;
  const off = new Set(linksOffHosts(event.cart, storeHosts).map((p) => p.path));
  if (off.size === 0) return event;
  const cart = event.cart;
  return {
    ...event,
    cart: {
      ...cart,
      restoreUrl: off.has('cart.restoreUrl') ? null : cart.restoreUrl,
      items: cart.items.map((item, i) => ({
        ...item,
        url: off.has(`cart.items[${i}].url`) ? null : item.url,
        imageUrl: off.has(`cart.items[${i}].imageUrl`) ? null : item.imageUrl,
      })),
    },
  };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const INTEGER = /^-?\d+$/;

/**
 * JSON text as JSON.parse would give it except for integers past 2^53: those come through as
 * their digits (a string), since JSON.parse would silently round an id like 9007199254740993 to
 * one that names another order. A repeated key keeps its last value, as with JSON.parse.
 */
export function parseLosslessJson(text: string): unknown {
  return parse(text, null, {
    parseNumber: (digits: string) => {
      const value = Number(digits);
      return INTEGER.test(digits) && !Number.isSafeInteger(value) ? digits : value;
    },
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

export type JsonRead = { ok: true; value: unknown } | { ok: false; problem: string };

/** The raw body through parseLosslessJson; what is not UTF-8 JSON is a problem, not a throw. */
export function readJson(body: Uint8Array): JsonRead {
  try {
    return { ok: true, value: parseLosslessJson(utf8.decode(body)) };
  } catch (error) {
    return { ok: false, problem: `is not JSON: ${(error as Error).message.slice(0, 200)}` };
  }
}
