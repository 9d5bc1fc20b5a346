/**
 * Named owner tokens (CR_OWNERS): `Authorization: Bearer <token>`; the actor is the token's name.
 * Wrong tokens are throttled per client address and for everyone together (sign-in-throttle), on
 * the API and the sign-in form alike, so a token cannot be guessed online through either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { OwnerToken } from '../app/config.ts';
import type { SignInThrottle } from '../domain/sign-in-throttle.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError, tooManyRequests } from './errors.ts';
import { clientIp } from './snippet-route.ts';

export type OwnerEnv = { Variables: { owner: string } };

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares hashes so every comparison takes the same time whatever the token's length. */
export function findOwner(owners: readonly OwnerToken[], presented: string): string | null {
  const presentedDigest = digest(presented);
  let found: string | null = null;
  for (const owner of owners) {
    if (timingSafeEqual(digest(owner.token), presentedDigest)) found = owner.name;
  }
  return found;
}

const BEARER = /^Bearer\s+(\S+)$/i;

export function requireOwner(owners: readonly OwnerToken[]): MiddlewareHandler<OwnerEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = BEARER.exec(header);
    const name = match?.[1] === undefined ? null : findOwner(owners, match[1]);
    if (name === null) {
      c.header('WWW-Authenticate', 'Bearer realm="cart-recovery owner"');
      throw new HttpError(401, 'unauthorized', [
        {
          path: '(headers).authorization',
          problem: match ? 'unknown owner token' : 'expected "Authorization: Bearer <owner token>"',
        },
      ]);
    }
    c.set('owner', name);
    await next();
  };
}

/**
 * Before any owner token is looked at: 429 while this client address, or everyone, must wait.
 * Refused before the check, the right token too, so a wait tells a guesser nothing.
 */
export function admitOwnerToken(throttle: SignInThrottle, c: Context, now: number): void {
  const verdict = throttle.check(clientIp(c), now);
  if (verdict.ok) return;
  throw tooManyRequests(
    verdict.scope === 'client'
      ? 'with wrong owner tokens from this address'
      : 'with wrong owner tokens from many addresses',
    verdict.retryAfterMs,
  );
}

/** Counts what a presented token turned out to be. */
export function recordOwnerToken(
  throttle: SignInThrottle,
  c: Context,
  now: number,
  right: boolean,
) {
  if (right) throttle.succeeded(clientIp(c));
  else throttle.missed(clientIp(c), now);
}

/**
 * The owner API's share of the throttle, in front of requireOwner. A request with no Bearer
 * token is not a guess (requireOwner answers its 401); one with a wrong token is a miss.
 */
export function throttleOwnerTokens(
  owners: readonly OwnerToken[],
  throttle: SignInThrottle,
  clock: Clock,
): MiddlewareHandler {
  return async (c, next) => {
    const presented = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    if (presented !== undefined) {
      const now = clock.now();
      admitOwnerToken(throttle, c, now);
      recordOwnerToken(throttle, c, now, findOwner(owners, presented) !== null);
    }
    await next();
  };
}
