/**
 * Signed link tokens for `/unsubscribe?t=`, `/resubscribe?t=` and `/c?t=` (SPEC section 6).
 *
 * A token is `base64url(JSON payload) + "." + base64url(HMAC-SHA256(secret, domain + body))`.
 * The MAC covers the exact base64url text of the body, and the signature is compared as text,
 * so no alternative spelling of the same bytes (base64 has several) ever verifies. The purpose
 * lives inside the signed JSON, so a click token can never be replayed as an unsubscribe.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const LinkPurpose = {
  unsubscribe: 'unsubscribe',
  resubscribe: 'resubscribe',
  click: 'click',
} as const;
export type LinkPurpose = (typeof LinkPurpose)[keyof typeof LinkPurpose];

export type LinkPayload =
  | { readonly purpose: 'unsubscribe'; readonly email: string; readonly cartId: string | null }
  | { readonly purpose: 'resubscribe'; readonly email: string }
  | { readonly purpose: 'click'; readonly cartId: string; readonly step: number };

export type VerifyResult =
  | { readonly ok: true; readonly payload: LinkPayload }
  | { readonly ok: false; readonly problem: string };

export interface LinkSigner {
  sign(payload: LinkPayload): string;
  /** With `expected`, a valid token for another purpose is refused too. */
  verify(token: string, expected?: LinkPurpose): VerifyResult;
}

export class InvalidLinkSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidLinkSecretError';
  }
}

// Changing this string invalidates every link already sent; bump it only on purpose.
const DOMAIN = 'cart-recovery/link/v1\n';
// Far above any real token; stops a huge query string from costing a big JSON parse.
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

// One-letter keys keep links short; they never leave this file.
type Wire =
  | { p: 'u'; e: string; c: string | null }
  | { p: 'r'; e: string }
  | { p: 'c'; c: string; s: number };

function toWire(payload: LinkPayload): Wire {
  switch (payload.purpose) {
    case 'unsubscribe':
      return { p: 'u', e: payload.email, c: payload.cartId };
    case 'resubscribe':
      return { p: 'r', e: payload.email };
    case 'click':
      return { p: 'c', c: payload.cartId, s: payload.step };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromWire(value: unknown): LinkPayload | null {
  if (!isRecord(value)) return null;
  const { p, e, c, s } = value;
  if (p === 'u' && typeof e === 'string' && (typeof c === 'string' || c === null)) {
    return { purpose: 'unsubscribe', email: e, cartId: c };
  }
  if (p === 'r' && typeof e === 'string') return { purpose: 'resubscribe', email: e };
  if (p === 'c' && typeof c === 'string' && Number.isSafeInteger(s) && (s as number) >= 1) {
    return { purpose: 'click', cartId: c, step: s as number };
  }
  return null;
}

export function createLinkSigner(secret: string): LinkSigner {
  if (secret.length < 16) {
    throw new InvalidLinkSecretError('link signing secret must be at least 16 characters');
  }
  const mac = (body: string): string =>
    createHmac('sha256', secret).update(DOMAIN).update(body).digest('base64url');

  return {
    sign(payload) {
      if (
        payload.purpose === 'click' &&
        !(Number.isSafeInteger(payload.step) && payload.step >= 1)
      ) {
        throw new RangeError(`click link step must be a positive integer, got ${payload.step}`);
      }
      const body = Buffer.from(JSON.stringify(toWire(payload)), 'utf8').toString('base64url');
      return `${body}.${mac(body)}`;
    },

    verify(token, expected) {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        return { ok: false, problem: 'link token is missing or too long' };
      }
      const parts = token.split('.');
      const [body, signature] = parts;
      if (parts.length !== 2 || !body || !signature || !BASE64URL.test(body)) {
        return { ok: false, problem: 'link token is malformed' };
      }
      const given = Buffer.from(signature, 'utf8');
      const wanted = Buffer.from(mac(body), 'utf8');
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
        return { ok: false, problem: 'link token signature does not match' };
      }
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, problem: 'link token body is not JSON' };
      }
      const payload = fromWire(decoded);
      if (payload === null) return { ok: false, problem: 'link token body has an unknown shape' };
      if (expected !== undefined && payload.purpose !== expected) {
        return { ok: false, problem: `link token is for ${payload.purpose}, not ${expected}` };
      }
      return { ok: true, payload };
    },
  };
}
