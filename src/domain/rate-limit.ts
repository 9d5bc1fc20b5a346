/**
 * A token bucket per key (an IP, an address), kept in memory with a bounded number of keys so a
 * flood of distinct keys cannot grow it without limit. Time is passed in.
 */

export interface RateLimiter {
  /** True when the key may act now (and a token is spent). */
  take(key: string, now: number): boolean;
}

export interface RateLimitOptions {
  /** Burst size. */
  readonly capacity: number;
  /** Tokens regained per minute. */
  readonly perMinute: number;
  /** Most keys remembered; the least recently used are forgotten first. */
  readonly maxKeys?: number;
}

export function createRateLimiter({
  capacity,
  perMinute,
  maxKeys = 10_000,
}: RateLimitOptions): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, now) {
      const bucket = buckets.get(key) ?? { tokens: capacity, at: now };
      buckets.delete(key); // re-insert below: Map order is the LRU order
      const tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 60_000) * perMinute);
      const allowed = tokens >= 1;
      buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, at: now });
      if (buckets.size > maxKeys) {
        const oldest = buckets.keys().next().value;
        if (oldest !== undefined) buckets.delete(oldest);
      }
      return allowed;
    },
  };
}
