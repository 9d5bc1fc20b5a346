/**
 * The rules of input-rules.ts as zod schemas, so every payload schema (store events, Shopify, the
 * snippet's envelope) refuses the same values with the same words.
 */
import * as z from 'zod';
import {
  CART_ID,
  CART_ID_RULE,
  HTTP_URL_RULE,
  ISO_INSTANT,
  isHttpUrl,
  LIMIT,
} from './input-rules.ts';

/** A cart or event id (CART_ID). */
export const idSchema = z.string().regex(CART_ID, CART_ID_RULE);

/** An ISO instant with a zone, real, and not before 1970. */
export const isoInstantSchema = z
  .string()
  .regex(ISO_INSTANT, {
    message: 'must be an ISO 8601 time with a zone, like 2026-11-23T07:58:00Z',
    abort: true,
  })
  .refine((value) => Number.isFinite(Date.parse(value)), {
    message: 'is not a real time',
    abort: true,
  })
  // Before 1970 a time is negative, and event stamps compare as text: 1900 would sort after 1901.
  .refine((value) => Date.parse(value) >= 0, 'must not be before 1970-01-01T00:00:00Z');

/** An http(s) URL within LIMIT.url, as sent (normalUrl gives its stored spelling). */
export const httpUrlSchema = z.string().max(LIMIT.url).refine(isHttpUrl, HTTP_URL_RULE);
