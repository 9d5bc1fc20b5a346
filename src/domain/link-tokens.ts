/**
 * Link tokens for `/unsubscribe?t=`, `/resubscribe?t=` and `/c?t=` (SPEC section 6).
 *
 * New tokens (v2) are `v2.` + base64url(nonce | AES-256-GCM ciphertext | tag): the payload is
 * encrypted, so a forwarded email or a proxy log shows no address and no cart id. Encryption and
 * not a random id kept server-side, because it needs no storage, and so works the same on one
 * SQLite file and on any number of Lambdas. Both keys come from the link secret through HKDF.
 * The nonce is an HMAC of the plaintext (a synthetic IV): signing is deterministic and draws no
 * randomness, and two different payloads never share a nonce, which is what GCM cannot survive.
 *
 * Tokens from before (v1) are `base64url(JSON payload) + "." + base64url(HMAC-SHA256)`, readable
 * but signed; they are in real inboxes, so they still verify and are never made any more.
 *
 * Either way the purpose lives inside the authenticated payload, so a click token can never be
 * replayed as an unsubscribe, and only one spelling of a token verifies (base64 has several).
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  timingSafeEqual,
} from 'node:crypto';

export { type ClickLanding, clickLanding, restoreTarget } from './click-landing.ts';

export const LinkPurpose = {
  unsubscribe: 'unsubscribe',
  resubscribe: 'resubscribe',
  click: 'click',
} as const;
export type LinkPurpose = (typeof LinkPurpose)[keyof typeof LinkPurpose];

/** What a new link is signed for. A click names the restore link it may lead to (restoreTarget). */
export type LinkPayload =
  | { readonly purpose: 'unsubscribe'; readonly email: string; readonly cartId: string | null }
  | { readonly purpose: 'resubscribe'; readonly email: string }
  | {
      readonly purpose: 'click';
      readonly cartId: string;
      readonly step: number;
      readonly target: string;
    };

/** What a verified link says. `target` is null only on a v1 click link, made before targets. */
export type VerifiedPayload =
  | Exclude<LinkPayload, { purpose: 'click' }>
  | {
      readonly purpose: 'click';
      readonly cartId: string;
      readonly step: number;
      readonly target: string | null;
    };

export type VerifyResult =
  | { readonly ok: true; readonly payload: VerifiedPayload }
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

// Changing either string invalidates every link of that version already sent; never on a whim.
const DOMAIN_V1 = 'cart-recovery/link/v1\n';
const DOMAIN_V2 = 'cart-recovery/link/v2';
const V2_PREFIX = 'v2.';
// Far above any real token (an address is at most 254 characters); stops a huge query string
// from costing a big decrypt or JSON parse. RFC 2369 header lines stay well under it as well.
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// The plaintext is padded with spaces (JSON ignores them) to a multiple of this, so a token's
// length says little about the length of the address inside it.
const PAD_TO = 32;

// One-letter keys keep links short; they never leave this file.
type Wire =
  | { p: 'u'; e: string; c: string | null }
  | { p: 'r'; e: string }
  | { p: 'c'; c: string; s: number; h?: string };

function toWire(payload: LinkPayload): Wire {
  switch (payload.purpose) {
    case 'unsubscribe':
      return { p: 'u', e: payload.email, c: payload.cartId };
    case 'resubscribe':
      return { p: 'r', e: payload.email };
    case 'click':
      return { p: 'c', c: payload.cartId, s: payload.step, h: payload.target };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TARGET = /^[A-Za-z0-9_-]{22}$/;

function fromWire(value: unknown): VerifiedPayload | null {
  if (!isRecord(value)) return null;
  const { p, e, c, s, h } = value;
  if (p === 'u' && typeof e === 'string' && (typeof c === 'string' || c === null)) {
    return { purpose: 'unsubscribe', email: e, cartId: c };
  }
  if (p === 'r' && typeof e === 'string') return { purpose: 'resubscribe', email: e };
  if (p === 'c' && typeof c === 'string' && Number.isSafeInteger(s) && (s as number) >= 1) {
    if (h !== undefined && !(typeof h === 'string' && TARGET.test(h))) return null;
    return { purpose: 'click', cartId: c, step: s as number, target: h ?? null };
  }
  return null;
}

function parsePayload(text: string): VerifiedPayload | 'not_json' | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return 'not_json';
  }
  return fromWire(decoded);
}

/** The bytes of `text` only if `text` is their one canonical base64url spelling. */
function canonicalBase64url(text: string): Buffer | null {
  if (!BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function checkSignable(payload: LinkPayload): void {
  if (payload.purpose !== 'click') return;
  if (!(Number.isSafeInteger(payload.step) && payload.step >= 1)) {
    throw new RangeError(`click link step must be a positive integer, got ${payload.step}`);
  }
  if (!TARGET.test(payload.target)) {
    throw new RangeError('click link target must be restoreTarget(restoreUrl)');
  }
}

const NO_MATCH = 'link token signature does not match';

/**
 * Signs with `secret`; verifies with it and then with each of `previous` (newest first), so a
 * rotated secret does not break the links already in inboxes. Only a token whose signature does
 * not match one key is tried with the next: a well-signed token that says something wrong is
 * wrong under every key.
 */
export function createLinkSigner(secret: string, previous: readonly string[] = []): LinkSigner {
  const keys = [secret, ...previous].map(keyedSigner);
  const [current] = keys;
  if (current === undefined) throw new InvalidLinkSecretError('no link signing secret');
  return {
    sign: (payload) => current.sign(payload),
    verify(token, expected) {
      if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        return { ok: false, problem: 'link token is missing or too long' };
      }
      let result: VerifiedPayload | string = NO_MATCH;
      for (const key of keys) {
        result = key.open(token);
        if (result !== NO_MATCH) break;
      }
      if (typeof result === 'string') return { ok: false, problem: result };
      if (expected !== undefined && result.purpose !== expected) {
        return { ok: false, problem: `link token is for ${result.purpose}, not ${expected}` };
      }
      return { ok: true, payload: result };
    },
  };
}

function keyedSigner(secret: string) {
  if (secret.length < 16) {
    throw new InvalidLinkSecretError('link signing secret must be at least 16 characters');
  }
  const v1Mac = (body: string): string =>
    createHmac('sha256', secret).update(DOMAIN_V1).update(body).digest('base64url');
  const derive = (use: string) =>
    Buffer.from(hkdfSync('sha256', secret, DOMAIN_V2, `${DOMAIN_V2} ${use}`, 32));
  const encryptionKey = derive('aes-256-gcm key');
  const nonceKey = derive('synthetic nonce key');
  const nonceOf = (plain: Buffer) =>
    createHmac('sha256', nonceKey).update(plain).digest().subarray(0, NONCE_BYTES);

  function verifyV1(token: string): VerifiedPayload | string {
    const parts = token.split('.');
    const [body, signature] = parts;
    if (parts.length !== 2 || !body || !signature || !BASE64URL.test(body)) {
      return 'link token is malformed';
    }
    if (!sameBytes(Buffer.from(signature, 'utf8'), Buffer.from(v1Mac(body), 'utf8'))) {
      return NO_MATCH;
    }
    const payload = parsePayload(Buffer.from(body, 'base64url').toString('utf8'));
    if (payload === 'not_json') return 'link token body is not JSON';
    return payload ?? 'link token body has an unknown shape';
  }

  function verifyV2(sealed: string): VerifiedPayload | string {
    const bytes = canonicalBase64url(sealed);
    if (bytes === null || bytes.length <= NONCE_BYTES + TAG_BYTES) {
      return 'link token is malformed';
    }
    const nonce = bytes.subarray(0, NONCE_BYTES);
    const tag = bytes.subarray(bytes.length - TAG_BYTES);
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, nonce, {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(DOMAIN_V2, 'utf8'));
      decipher.setAuthTag(tag);
      plain = Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      return NO_MATCH;
    }
    // Only the nonce this plaintext would get verifies: one token per payload, as in v1.
    if (!sameBytes(nonceOf(plain), nonce)) return NO_MATCH;
    const payload = parsePayload(plain.toString('utf8'));
    if (payload === 'not_json') return 'link token body is not JSON';
    // Every v2 click link names its target; one without is not something this code made.
    if (payload === null || (payload.purpose === 'click' && payload.target === null)) {
      return 'link token body has an unknown shape';
    }
    return payload;
  }

  return {
    sign(payload: LinkPayload): string {
      checkSignable(payload);
      const json = Buffer.from(JSON.stringify(toWire(payload)), 'utf8');
      const padded = Buffer.concat([
        json,
        Buffer.alloc((PAD_TO - (json.length % PAD_TO)) % PAD_TO, ' '),
      ]);
      const nonce = nonceOf(padded);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, nonce, {
        authTagLength: TAG_BYTES,
      });
      cipher.setAAD(Buffer.from(DOMAIN_V2, 'utf8'));
      const sealed = Buffer.concat([
        nonce,
        cipher.update(padded),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `${V2_PREFIX}${sealed.toString('base64url')}`;
    },

    open(token: string): VerifiedPayload | string {
      // A v1 body is base64url of `{"`, so it always starts "ey": it can never look like "v2.".
      return token.startsWith(V2_PREFIX)
        ? verifyV2(token.slice(V2_PREFIX.length))
        : verifyV1(token);
    },
  };
}
