import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('createRateLimiter', () => {
  it('allows a burst up to capacity, then refills over time', () => {
    const limiter = createRateLimiter({ capacity: 3, perMinute: 6 });
    expect([1, 2, 3, 4].map(() => limiter.take('ip', 0))).toEqual([true, true, true, false]);
    expect(limiter.take('ip', 5_000)).toBe(false); // half a token
    expect(limiter.take('ip', 10_000)).toBe(true); // 10 s at 6/min = 1 token
  });

  it('keeps keys apart and forgets the least recently used beyond maxKeys', () => {
    const limiter = createRateLimiter({ capacity: 1, perMinute: 1, maxKeys: 2 });
    expect(limiter.take('a', 0)).toBe(true);
    expect(limiter.take('b', 0)).toBe(true);
    expect(limiter.take('a', 0)).toBe(false);
    expect(limiter.take('c', 0)).toBe(true); // forgets b
    expect(limiter.take('b', 0)).toBe(true);
  });

  it('never allows more than capacity + rate x elapsed time (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 200 }),
        (capacity, perMinute, gaps) => {
          const limiter = createRateLimiter({ capacity, perMinute });
          let now = 0;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if (limiter.take('k', now)) allowed++;
          }
          expect(allowed).toBeLessThanOrEqual(capacity + Math.floor((now / 60_000) * perMinute));
        },
      ),
    );
  });
});
