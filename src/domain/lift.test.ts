import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assessLift,
  comparisonWindowMs,
  groupStats,
  measureLift,
  newcombeInterval,
  wilsonInterval,
} from './lift.ts';
import { DAY, HOUR } from './policy.ts';

describe('intervals', () => {
  it('matches the worked example of Newcombe (1998), 56/70 against 48/80', () => {
    // By hand, z = 1.96, z^2 = 3.8415:
    //   p1 = 0.8, n1 = 70: centre = (0.8 + 3.8415/140) / (1 + 3.8415/70) = 0.82744 / 1.05488 = 0.78439
    //     half = (1.96 / 1.05488) * sqrt(0.16/70 + 3.8415/19600) = 1.85800 * 0.04986 = 0.09264
    //     -> [0.6918, 0.8770]
    //   p2 = 0.6, n2 = 80: centre = (0.6 + 3.8415/160) / (1 + 3.8415/80) = 0.62401 / 1.04802 = 0.59542
    //     half = (1.96 / 1.04802) * sqrt(0.24/80 + 3.8415/25600) = 1.87019 * 0.05611 = 0.10494
    //     -> [0.4905, 0.7004]
    //   lower = 0.2 - sqrt((0.8 - 0.6918)^2 + (0.7004 - 0.6)^2) = 0.2 - 0.1476 = 0.0524
    //   upper = 0.2 + sqrt((0.8770 - 0.8)^2 + (0.6 - 0.4905)^2) = 0.2 + 0.1339 = 0.3339
    // Newcombe's Table II, method 10, example (a): +0.0524 to +0.3339.
    const [l1, u1] = wilsonInterval(56, 70);
    expect(l1).toBeCloseTo(0.6918, 4);
    expect(u1).toBeCloseTo(0.877, 3);
    const [lo, hi] = newcombeInterval(56, 70, 48, 80);
    expect(lo).toBeCloseTo(0.0524, 4);
    expect(hi).toBeCloseTo(0.3339, 4);
  });

  it('matches Newcombe example (d), 5/56 against 0/29, whose interval crosses zero', () => {
    const [lo, hi] = newcombeInterval(5, 56, 0, 29);
    expect(lo).toBeCloseTo(-0.0381, 4);
    expect(hi).toBeCloseTo(0.1926, 4);
  });
});

describe('interval properties', () => {
  const group = fc
    .integer({ min: 1, max: 2000 })
    .chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  it('always contains the observed difference and stays within [-1, 1]', () => {
    fc.assert(
      fc.property(group, group, ([s1, n1], [s2, n2]) => {
        const [lo, hi] = newcombeInterval(s1, n1, s2, n2);
        const d = s1 / n1 - s2 / n2;
        expect(lo).toBeLessThanOrEqual(d + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(d - 1e-12);
        expect(lo).toBeGreaterThanOrEqual(-1 - 1e-12);
        expect(hi).toBeLessThanOrEqual(1 + 1e-12);
      }),
    );
  });

  it('never gives a verdict with NaN in it', () => {
    fc.assert(
      fc.property(
        group,
        group,
        fc.double({ min: 0, max: 1, noNaN: true }),
        ([s1, n1], [s2, n2], share) => {
          const v = assessLift(groupStats(n1, s1), groupStats(n2, s2), share);
          expect(JSON.stringify(v)).not.toMatch(/NaN|null,|Infinity/);
          expect(v.message).not.toMatch(/NaN|Infinity|undefined/);
        },
      ),
    );
  });
});

describe('assessLift', () => {
  it('says there is no holdout when none was configured and none was held', () => {
    const v = assessLift(groupStats(500, 40), groupStats(0, 0), 0);
    expect(v.kind).toBe('no_holdout');
  });

  it('says plainly when the holdout is too small', () => {
    const v = assessLift(groupStats(108, 10), groupStats(12, 1), 0.1);
    expect(v.kind).toBe('too_small');
    if (v.kind !== 'too_small') return;
    // Pooled rate 11/120 = 0.0917: 5 recoveries need ceil(5 / 0.0917) = 55 carts.
    expect(v.needed).toBe(55);
    expect(v.message).toContain('Holdout has 12 carts');
    expect(v.message).toContain('about 55 are needed before the lift means anything');
    expect(v.message).toContain('about 550 abandoned carts in all');
  });

  it('asks for 30 carts when recoveries are common enough', () => {
    const v = assessLift(groupStats(100, 50), groupStats(12, 6), 0.1);
    expect(v.kind === 'too_small' && v.needed).toBe(30);
    expect(v.kind === 'too_small' && v.message).toContain(
      'Holdout has 12 carts; about 30 are needed before the lift means anything',
    );
  });

  it('is too small with enough carts but fewer than 5 recoveries', () => {
    const v = assessLift(groupStats(400, 40), groupStats(40, 2), 0.1);
    expect(v.kind).toBe('too_small');
    expect(v.kind === 'too_small' && v.message).toContain('Holdout has 40 carts but 2 recovered');
  });

  it('is too small when a holdout is configured but no cart was held yet', () => {
    expect(assessLift(groupStats(20, 3), groupStats(0, 0), 0.1).kind).toBe('too_small');
  });

  it('measures the lift, its interval and whether it is real', () => {
    const v = assessLift(groupStats(70, 56), groupStats(80, 48), 0.5);
    expect(v.kind).toBe('measured');
    if (v.kind !== 'measured') return;
    expect(v.lift).toBeCloseTo(0.2, 10);
    expect(v.ci[0]).toBeCloseTo(0.0524, 4);
    expect(v.significant).toBe(true);
    expect(v.message).toContain('added 20.0 points');
    expect(v.message).toContain('real difference');
  });

  it('does not call an interval that spans zero significant', () => {
    const v = assessLift(groupStats(300, 30), groupStats(50, 5), 0.1);
    expect(v.kind === 'measured' && v.significant).toBe(false);
    expect(v.kind === 'measured' && v.message).toContain('Not yet distinguishable');
  });
});

describe('measureLift', () => {
  const yardstick = { cadenceMs: [1 * HOUR, 24 * HOUR, 72 * HOUR], recoveryWindowMs: 7 * DAY };

  it('gives a held-out cart the same window a reminded cart gets', () => {
    // Last step is 71 h after the first came due, then 7 days to buy.
    expect(comparisonWindowMs(yardstick)).toBe(71 * HOUR + 7 * DAY);
  });

  it('splits carts by the holdout audit rows and counts purchases inside the window', () => {
    const t = Date.UTC(2026, 10, 1);
    const win = comparisonWindowMs(yardstick);
    const carts = [
      ...Array.from({ length: 40 }, (_, i) => ({
        id: `r${i}`,
        abandonedAt: t,
        boughtAt: i < 10 ? t + HOUR : null,
      })),
      ...Array.from({ length: 35 }, (_, i) => ({
        id: `h${i}`,
        abandonedAt: t,
        // 5 inside the window (the last exactly on its edge), 2 after it, 1 before abandon.
        boughtAt:
          i < 4 ? t + DAY : i === 4 ? t + win : i < 7 ? t + win + 1 : i === 7 ? t - 1 : null,
      })),
    ];
    const heldOutIds = new Set(carts.filter((c) => c.id.startsWith('h')).map((c) => c.id));
    const v = measureLift({ abandoned: carts, heldOutIds, yardstick, holdoutShare: 0.5 });
    expect(v.kind).toBe('measured');
    if (v.kind !== 'measured') return;
    expect(v.reminded).toEqual({ n: 40, recovered: 10, rate: 0.25 });
    expect(v.holdout).toEqual({ n: 35, recovered: 5, rate: 5 / 35 });
  });
});
