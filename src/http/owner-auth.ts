/** Named owner tokens (CR_OWNERS): `Authorization: Bearer <token>`; the actor is the token's name. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { OwnerToken } from '../app/config.ts';
import { HttpError } from './errors.ts';

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

export function requireOwner(owners: readonly OwnerToken[]): MiddlewareHandler<OwnerEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
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
