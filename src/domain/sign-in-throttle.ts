/**
 * Back-off for wrong owner tokens, so a token cannot be guessed online: a few free misses per
 * client address, then a wait that doubles with every further miss, and a budget of misses for
 * everyone together, so many addresses cannot add their allowances up. Time is passed in; the
 * state is a bounded map in memory (per process, as the other rate limits).
 *
 * While a wait runs, every attempt is refused before its token is looked at, the right token too:
 * answering a right token at once would tell the guesser which guess was right.
 */
import { createRateLimiter } from './rate-limit.ts';

export interface SignInThrottleOptions {
  /** Misses per client address before any wait. */
  readonly freeMisses: number;
  /** The first wait; each miss after it doubles the wait, up to maxWaitMs. */
  readonly firstWaitMs: number;
  readonly maxWaitMs: number;
  /** A client address quiet this long starts again with its free misses. */
  readonly forgetAfterMs: number;
  /** Misses allowed for all addresses together: a burst, then so many a minute. */
  readonly globalBurst: number;
  readonly globalPerMinute: number;
  readonly maxClients?: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleOptions = {
  freeMisses: 5,
  firstWaitMs: 1000,
  maxWaitMs: 15 * 60 * 1000,
  forgetAfterMs: 60 * 60 * 1000,
  globalBurst: 100,
  globalPerMinute: 10,
};

export type ThrottleVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly scope: 'client' | 'everyone'; readonly retryAfterMs: number };

export interface SignInThrottle {
  /** Whether `client` may present a token now. */
  check(client: string, now: number): ThrottleVerdict;
  /** The token presented matched no owner. */
  missed(client: string, now: number): void;
  /** The token was right: the client's misses are forgiven. */
  succeeded(client: string): void;
}

export function createSignInThrottle(
  options: SignInThrottleOptions = DEFAULT_SIGN_IN_THROTTLE,
): SignInThrottle {
  const { freeMisses, firstWaitMs, maxWaitMs, forgetAfterMs, maxClients = 10_000 } = options;
  const clients = new Map<string, { misses: number; lastAt: number }>();
  const everyone = createRateLimiter({
    capacity: options.globalBurst,
    perMinute: options.globalPerMinute,
  });
  const globalWaitMs = 60_000 / options.globalPerMinute;
  let everyoneWaitsUntil = Number.NEGATIVE_INFINITY;

  const waitFor = (misses: number) =>
    misses <= freeMisses ? 0 : Math.min(maxWaitMs, firstWaitMs * 2 ** (misses - freeMisses - 1));

  function current(client: string, now: number) {
    const entry = clients.get(client);
    if (entry !== undefined && now - entry.lastAt > forgetAfterMs) {
      clients.delete(client);
      return undefined;
    }
    return entry;
  }

  return {
    check(client, now) {
      if (now < everyoneWaitsUntil) {
        return { ok: false, scope: 'everyone', retryAfterMs: everyoneWaitsUntil - now };
      }
      const entry = current(client, now);
      if (entry === undefined) return { ok: true };
      const until = entry.lastAt + waitFor(entry.misses);
      return now < until ? { ok: false, scope: 'client', retryAfterMs: until - now } : { ok: true };
    },

    missed(client, now) {
      const misses = (current(client, now)?.misses ?? 0) + 1;
      clients.delete(client); // re-insert below: Map order is the LRU order
      clients.set(client, { misses, lastAt: now });
      if (clients.size > maxClients) {
        const oldest = clients.keys().next().value;
        if (oldest !== undefined) clients.delete(oldest);
      }
      if (!everyone.take('everyone', now)) everyoneWaitsUntil = now + globalWaitMs;
    },

    succeeded(client) {
      clients.delete(client);
    },
  };
}
