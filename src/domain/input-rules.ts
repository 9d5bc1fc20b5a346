/**
 * The small rules every lane, route and command checks input by, in one place so they cannot
 * drift apart: the cart id, times, days, months, http(s) URLs and the field limits. Predicates
 * and patterns only; the zod forms the schemas use are in input-schemas.ts.
 */

/** Every bound a field has, wherever it arrives (store events, Shopify, the snippet). */
export const LIMIT = {
  id: 128,
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
 * Ids become keys, schedule names, file names and URL parts: keep them printable and bounded, and
 * never let ".." through, so no id can read as a parent-directory step.
 */
export const CART_ID = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** What a refused cart id is told, the same on every lane. */
export const CART_ID_RULE =
  'must be 1-128 characters of letters, digits, "_", "-", ".", ":" starting with a letter or digit, without ".."';

export const isCartId = (value: unknown): value is string =>
  typeof value === 'string' && CART_ID.test(value);

/** An ISO 8601 time with a zone, to the nanosecond at most: 2026-11-23T07:58:00Z. */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO instant that is also a real time (no 25:00, no 31 February). */
export function isIsoInstant(value: string): boolean {
  return ISO_INSTANT.test(value) && Number.isFinite(Date.parse(value));
}

/**
 * No cart is older than 1970 (events before it are refused), and Date.UTC reads years 0-99 as
 * 1900-1999: "0099-05" would answer for May 1999. Days and months start at this year.
 */
export const FIRST_YEAR = 1970;

/** YYYY-MM-DD; a day is also part of file names, so nothing else passes. */
export const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** YYYY-MM. */
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** A real calendar day from 1970 on (Date.parse would roll 2026-02-31 into March). */
export function isDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < FIRST_YEAR) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** A month from 1970 on. */
export function isMonth(text: string): boolean {
  const match = MONTH.exec(text);
  return match !== null && Number(match[1]) >= FIRST_YEAR;
}

/**
 * Control characters and spaces are refused, not cleaned: the URL parser silently drops tabs and
 * line breaks, so "https://shop.example/\r\nSet-Cookie: x" would pass the parse and then reach a
 * Location header as written.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const URL_UNSAFE = /[\u0000-\u0020\u007f-\u009f\u2028\u2029]/;

/**
 * The parser's spelling of each URL seen lately, or null for one that is not an http(s) URL.
 * Every event's links are parsed twice (checked, then stored in normal form), and a store's
 * product and image links recur from cart to cart, so parsing each once is a real share of an
 * event's work. Bounded: it starts over when full.
 */
const parsedUrls = new Map<string, string | null>();
const PARSED_URLS_KEPT = 2048;

function parseHttpUrl(value: string): string | null {
  const known = parsedUrls.get(value);
  if (known !== undefined) return known;
  let href: string | null = null;
  if (!URL_UNSAFE.test(value)) {
    try {
      const url = new URL(value);
      if (url.protocol === 'https:' || url.protocol === 'http:') href = url.href;
    } catch {
      href = null;
    }
  }
  if (parsedUrls.size >= PARSED_URLS_KEPT) parsedUrls.clear();
  parsedUrls.set(value, href);
  return href;
}

/** An http(s) URL without spaces or control characters (its length is LIMIT.url's to check). */
export function isHttpUrl(value: string): boolean {
  return parseHttpUrl(value) !== null;
}

export const HTTP_URL_RULE = 'must be an http(s) URL, without spaces or control characters';

/** The one spelling a URL is stored and compared in (the parser's own): what is signed is sent. */
export const normalUrl = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : (parseHttpUrl(value) ?? new URL(value).href);
