/**
 * Owner page sessions: a signed cookie.
 *
 * The cookie holds `<name in base64url>.<issued ms>.<expiry seconds>.<HMAC>`, keyed by a key
 * derived from the owner's own token. The raw token never leaves the sign-in request, and removing
 * or rotating a token in CR_OWNERS ends every session made with it (its key no longer exists). The
 * CSRF token of a form is an HMAC of the cookie value under the same key, so it is worthless
 * without the cookie.
 *
 * A signed cookie cannot be deleted from the server, so signing out records the time instead
 * (OwnerSignOuts): a session issued at or before its owner's last sign-out is over, wherever the
 * cookie was copied to. `issuedAt` is what that check reads.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { OwnerToken } from '../app/config.ts';

export const SESSION_COOKIE = 'cr_owner_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface OwnerSession {
  readonly name: string;
  /** The cookie value this session was read from. */
  readonly value: string;
  /** Epoch ms. */
  readonly issuedAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** The token every state-changing form of this session must carry. */
  readonly csrf: string;
}

// v2 added the issue time (for sign-out); a v1 cookie no longer verifies: sign in once again.
const SESSION_PURPOSE = 'cart-recovery/owner-session/v2';

function sessionKey(token: string): Buffer {
  return createHmac('sha256', token).update(SESSION_PURPOSE).digest();
}

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function csrfFor(key: Buffer, value: string): string {
  return mac(key, `csrf.${value}`).toString('base64url');
}

/** A fresh cookie value for an owner who just proved their token, issued at `issuedAt` (ms). */
export function createSession(owner: OwnerToken, issuedAt: number, ttlMs = SESSION_TTL_MS): string {
  const expires = Math.floor((issuedAt + ttlMs) / 1000);
  const name = Buffer.from(owner.name, 'utf8').toString('base64url');
  const payload = `${name}.${Math.floor(issuedAt)}.${expires}`;
  return `${payload}.${mac(sessionKey(owner.token), payload).toString('base64url')}`;
}

/**
 * The session a cookie value stands for, or null when it is forged, altered, expired, or made
 * with a token no longer in CR_OWNERS. Whether its owner signed out since is the caller's check
 * (it needs the store): compare `issuedAt` with OwnerSignOuts.
 */
export function readSession(
  owners: readonly OwnerToken[],
  value: string | undefined,
  now: number,
): OwnerSession | null {
  if (value === undefined) return null;
  const match = /^([A-Za-z0-9_-]+)\.(\d{1,15})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return null;
  const [, nameB64 = '', issuedText = '', expiresText = '', sigText = ''] = match;
  const issuedAt = Number(issuedText);
  const expiresAt = Number(expiresText) * 1000;
  if (expiresAt <= now) return null;
  const name = Buffer.from(nameB64, 'base64url').toString('utf8');
  const presented = Buffer.from(sigText, 'base64url');
  const payload = `${nameB64}.${issuedText}.${expiresText}`;
  for (const owner of owners) {
    if (owner.name !== name) continue;
    const key = sessionKey(owner.token);
    if (sameBytes(mac(key, payload), presented)) {
      return { name, value, issuedAt, expiresAt, csrf: csrfFor(key, value) };
    }
  }
  return null;
}

/** Constant-time check of a form's CSRF token against the session's. */
export function csrfMatches(session: OwnerSession, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  return sameBytes(Buffer.from(session.csrf, 'utf8'), Buffer.from(presented, 'utf8'));
}
