import { describe, expect, it } from 'vitest';
import { holdoutPoint, InvalidHoldoutShareError, isHeldOut, parseShare } from './holdout.ts';

// Ids shaped like real ones (store prefixes, counters, uuids) rather than one pattern.
function ids(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      i % 3 === 0
        ? `c_${i}`
        : i % 3 === 1
          ? `gid://shopify/Checkout/${1e9 + i * 7919}`
          : `cart-${(i * 2654435761) % 4294967296}`,
    );
  }
  return out;
}

describe('isHeldOut', () => {
  const sample = ids(10_000);

  it.each([0.01, 0.05, 0.1, 0.25, 0.5, 0.9])('holds out about %d of 10,000 carts', (share) => {
    const held = sample.filter((id) => isHeldOut(id, share)).length / sample.length;
    // Binomial standard deviation at n=10,000 is at most 0.005; allow about four of them.
    expect(Math.abs(held - share)).toBeLessThan(0.02);
  });

  it('is nested: a cart held out at 10% is held out at 20%', () => {
    for (const id of sample.slice(0, 2000)) {
      if (isHeldOut(id, 0.1)) expect(isHeldOut(id, 0.2)).toBe(true);
    }
  });

  it('0% holds none, 100% holds all', () => {
    expect(sample.some((id) => isHeldOut(id, 0))).toBe(false);
    expect(sample.every((id) => isHeldOut(id, 1))).toBe(true);
  });

  it('is stable: the same answer every time, from a fixed hash', () => {
    const first = sample.slice(0, 500).map((id) => isHeldOut(id, 0.3));
    expect(sample.slice(0, 500).map((id) => isHeldOut(id, 0.3))).toEqual(first);
    // Pinned so a change to the salt or hash (which would reshuffle live groups) fails loudly.
    // Golden value computed independently: sha256("cart-recovery/holdout/v1:c_42"), first 32 bits.
    expect(holdoutPoint('c_42').toFixed(6)).toBe('0.421931');
  });
});

describe('parseShare', () => {
  it.each([
    ['10%', 0.1],
    ['0%', 0],
    ['100%', 1],
    ['0.1', 0.1],
    ['.25', 0.25],
    [' 12.5 % ', 0.125],
    ['1', 1],
    ['0', 0],
  ])('%j -> %d', (text, want) => {
    expect(parseShare(text)).toBeCloseTo(want, 12);
  });

  it.each(['', 'ten', '-5%', '150%', '1.5', '10%%', '%'])(
    'rejects %j naming CR_HOLDOUT',
    (text) => {
      expect(() => parseShare(text)).toThrow(InvalidHoldoutShareError);
      expect(() => parseShare(text)).toThrow(/CR_HOLDOUT/);
      expect(() => parseShare(text)).toThrow(`"${text}"`);
    },
  );
});
