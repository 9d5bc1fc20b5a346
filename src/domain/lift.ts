/**
 * Honest lift: recovery among reminded carts against recovery among held-out carts (CR_HOLDOUT).
 * Last-touch attribution ("bought after a reminder") counts shoppers who would have come back
 * anyway; the holdout is the control group that shows how many of those there are.
 */
import type { Cart } from './cart.ts';

export interface GroupStats {
  readonly n: number;
  readonly recovered: number;
  /** recovered / n; 0 for an empty group (never NaN, it goes into JSON and charts). */
  readonly rate: number;
}

export type LiftVerdict =
  | { readonly kind: 'no_holdout'; readonly message: string }
  | {
      readonly kind: 'too_small';
      /** About how many carts the short group needs before the comparison means anything. */
      readonly needed: number;
      readonly reminded: GroupStats;
      readonly holdout: GroupStats;
      readonly message: string;
    }
  | {
      readonly kind: 'measured';
      readonly reminded: GroupStats;
      readonly holdout: GroupStats;
      /** reminded.rate - holdout.rate, as a proportion (0.05 = five percentage points). */
      readonly lift: number;
      /** 95% interval of the lift (Newcombe hybrid score interval). */
      readonly ci: readonly [number, number];
      /** The interval excludes zero. */
      readonly significant: boolean;
      readonly message: string;
    };

/** Below either floor the normal-theory intervals misbehave and one purchase swings the rate. */
export const MIN_GROUP_CARTS = 30;
export const MIN_OUTCOMES = 5;

const Z95 = 1.959963984540054;

export interface RecoveryYardstick {
  /** Cadence delays after last activity (policy.cadenceMs). */
  readonly cadenceMs: readonly number[];
  /** A purchase this long after the last reminder still counts (policy.recoveryWindowMs). */
  readonly recoveryWindowMs: number;
}

/**
 * How long after abandonedAt a purchase counts as recovered, for the comparison.
 *
 * abandonedAt is when step 1 came due (last activity + cadence[0]); the last step comes due at
 * last activity + cadence[last], and a reminded cart counts as recovered up to the recovery
 * window after that. So a purchase in [abandonedAt, abandonedAt + (cadence[last] - cadence[0]) +
 * window] is the same chance a reminded cart gets. Both groups are measured with this one
 * yardstick on boughtAt: holdout carts are never reminded, so their recoveredAt stays null, and
 * using recoveredAt for the reminded group only would compare two different definitions (a
 * reminded cart bought while the gate held its first reminder would count as lost).
 */
export function comparisonWindowMs(y: RecoveryYardstick): number {
  const first = y.cadenceMs[0] ?? 0;
  const last = y.cadenceMs[y.cadenceMs.length - 1] ?? first;
  return last - first + y.recoveryWindowMs;
}

export function boughtWithinWindow(
  cart: Pick<Cart, 'abandonedAt' | 'boughtAt'>,
  windowMs: number,
): boolean {
  const { abandonedAt, boughtAt } = cart;
  if (abandonedAt === null || boughtAt === null) return false;
  return boughtAt >= abandonedAt && boughtAt <= abandonedAt + windowMs;
}

export function groupStats(n: number, recovered: number): GroupStats {
  return { n, recovered, rate: n === 0 ? 0 : recovered / n };
}

/** Wilson score interval for one proportion. */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval (method 10 of Newcombe 1998, Statistics in Medicine 17:873)
 * for p1 - p2: it stays inside [-1, 1] and behaves with small counts, unlike the Wald interval.
 */
export function newcombeInterval(
  s1: number,
  n1: number,
  s2: number,
  n2: number,
  z = Z95,
): [number, number] {
  const p1 = n1 === 0 ? 0 : s1 / n1;
  const p2 = n2 === 0 ? 0 : s2 / n2;
  const [l1, u1] = wilsonInterval(s1, n1, z);
  const [l2, u2] = wilsonInterval(s2, n2, z);
  const d = p1 - p2;
  return [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const points = (x: number): string => `${(x * 100).toFixed(1)} points`;

interface Shortfall {
  readonly group: 'holdout' | 'reminded';
  readonly stats: GroupStats;
  readonly needed: number;
}

/** Carts a group needs for both 30 carts and 5 recovered and 5 not, at the pooled rate. */
function neededCarts(pooledRate: number): number {
  const rarer = Math.min(pooledRate, 1 - pooledRate);
  if (rarer <= 0) return MIN_GROUP_CARTS;
  return Math.max(MIN_GROUP_CARTS, Math.ceil(MIN_OUTCOMES / rarer));
}

function isShort(g: GroupStats): boolean {
  return g.n < MIN_GROUP_CARTS || g.recovered < MIN_OUTCOMES || g.n - g.recovered < MIN_OUTCOMES;
}

function shortfallMessage(s: Shortfall, pooledRate: number, holdoutShare: number): string {
  const name = s.group === 'holdout' ? 'Holdout' : 'The reminded group';
  const have =
    s.stats.n < MIN_GROUP_CARTS
      ? `${name} has ${s.stats.n} carts`
      : `${name} has ${s.stats.n} carts but ${s.stats.recovered} recovered`;
  const why =
    pooledRate === 0 && s.stats.n >= MIN_GROUP_CARTS
      ? `; no cart in either group was recovered yet, and at least ${MIN_OUTCOMES} recoveries in each group are needed`
      : `; about ${s.needed} are needed before the lift means anything`;
  // A tiny share would ask for an absurd (or infinite) total: say it only when it is sensible.
  const all = holdoutShare > 0 ? Math.ceil(s.needed / holdoutShare) : Number.NaN;
  const total =
    s.group === 'holdout' && holdoutShare < 1 && Number.isSafeInteger(all)
      ? ` (with a ${pct(holdoutShare)} holdout, about ${all} abandoned carts in all).`
      : '.';
  return `${have}${why}${total}`;
}

function measuredMessage(
  reminded: GroupStats,
  holdout: GroupStats,
  lift: number,
  ci: readonly [number, number],
  significant: boolean,
): string {
  const head =
    `Reminded carts recovered ${pct(reminded.rate)} (${reminded.recovered} of ${reminded.n}), ` +
    `held-out carts ${pct(holdout.rate)} (${holdout.recovered} of ${holdout.n}): ` +
    `reminders ${lift >= 0 ? 'added' : 'cost'} ${points(Math.abs(lift))} ` +
    `(95% interval ${points(ci[0])} to ${points(ci[1])}).`;
  if (!significant) return `${head} Not yet distinguishable from no effect.`;
  return lift > 0
    ? `${head} The reminders made a real difference.`
    : `${head} Reminded carts did worse than carts left alone.`;
}

/** The verdict on a holdout comparison, plain enough for the owner. */
export function assessLift(
  reminded: GroupStats,
  holdout: GroupStats,
  holdoutShare: number,
): LiftVerdict {
  if (holdout.n === 0 && !(holdoutShare > 0)) {
    return {
      kind: 'no_holdout',
      message:
        'No holdout: every abandoned cart was reminded, so the true lift cannot be measured. Set CR_HOLDOUT=10% to measure it.',
    };
  }
  const total = reminded.n + holdout.n;
  const pooledRate = total === 0 ? 0 : (reminded.recovered + holdout.recovered) / total;
  const needed = neededCarts(pooledRate);
  // The holdout is normally the small group, so it speaks first.
  const short: Shortfall | null = isShort(holdout)
    ? { group: 'holdout', stats: holdout, needed }
    : isShort(reminded)
      ? { group: 'reminded', stats: reminded, needed }
      : null;
  if (short) {
    return {
      kind: 'too_small',
      needed,
      reminded,
      holdout,
      message: shortfallMessage(short, pooledRate, holdoutShare),
    };
  }
  const lift = reminded.rate - holdout.rate;
  const ci = newcombeInterval(reminded.recovered, reminded.n, holdout.recovered, holdout.n);
  const significant = ci[0] > 0 || ci[1] < 0;
  return {
    kind: 'measured',
    reminded,
    holdout,
    lift,
    ci,
    significant,
    message: measuredMessage(reminded, holdout, lift, ci, significant),
  };
}

export interface LiftInput {
  /** Carts abandoned in the period (abandonedAt within it). */
  readonly abandoned: Iterable<Pick<Cart, 'id' | 'abandonedAt' | 'boughtAt'>>;
  /** Ids of carts with a `skipped` audit row whose reason is `holdout`. */
  readonly heldOutIds: ReadonlySet<string>;
  readonly yardstick: RecoveryYardstick;
  readonly holdoutShare: number;
}

/** Splits the period's abandoned carts into the two groups and assesses them. */
export function measureLift(input: LiftInput): LiftVerdict {
  const windowMs = comparisonWindowMs(input.yardstick);
  const reminded = { n: 0, recovered: 0 };
  const holdout = { n: 0, recovered: 0 };
  for (const cart of input.abandoned) {
    const group = input.heldOutIds.has(cart.id) ? holdout : reminded;
    group.n += 1;
    if (boughtWithinWindow(cart, windowMs)) group.recovered += 1;
  }
  return assessLift(
    groupStats(reminded.n, reminded.recovered),
    groupStats(holdout.n, holdout.recovered),
    input.holdoutShare,
  );
}
