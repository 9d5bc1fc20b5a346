/**
 * From a month's counts (or a number of carts and stated assumptions) to AWS usage, then to the
 * priced lines of cost.ts. Every number that is not a count is an assumption: named, defaulted,
 * printed beside any estimate. The per-unit AWS usage is measured (aws-usage-assumptions.ts).
 */
import { AWS_PRICES_US_EAST_1, type PriceTable } from './aws-prices.ts';
import { MEASURED_AWS_USAGE } from './aws-usage-assumptions.ts';
import { type CostBreakdown, costForMonth, type UsageCounts } from './cost.ts';
import { parseMoney, toDecimalString } from './money.ts';
import { AUDIT_RETAIN_MS } from './retention.ts';

export interface CostAssumptions {
  /** Webhook events per cart (adds, quantity changes, email entered, checkout). */
  readonly eventsPerCart: number;
  /** Share of carts whose first reminder step comes due. */
  readonly shareAbandoned: number;
  /** Share of abandoned carts with an address to write to. */
  readonly shareWithEmail: number;
  /** Reminder steps sent to each abandoned cart with an email. */
  readonly steps: number;
  /** Waiter runs per abandoned cart: one per step, one to let go, and gate waits. */
  readonly wakeUpsPerAbandonedCart: number;
  /** Cart-link clicks per reminder sent (each is one HTTP invocation). */
  readonly clicksPerReminder: number;
  /** DynamoDB write request units per event (cart row, de-duplication record). */
  readonly wruPerEvent: number;
  /** Write units per wake-up (cart row and its audit row). */
  readonly wruPerWakeUp: number;
  readonly rruPerEvent: number;
  /** Read units per wake-up (cart row, unsubscribe list, recent sends to the address). */
  readonly rruPerWakeUp: number;
  readonly lambdaMsPerInvocation: number;
  readonly lambdaMemoryMb: number;
  /**
   * Minutes Lambda keeps an idle execution environment before a new invocation must start one
   * (and pay its INIT). AWS does not publish it; observed figures run from about 5 to 15.
   */
  readonly warmMinutes: number;
  /** Milliseconds of INIT per cold start (module init of the bundle, measured by the bench). */
  readonly initMsPerColdStart: number;
  readonly logBytesPerInvocation: number;
  /** Bytes a cart holds while kept whole: its row, aliases, purchase marks, index copies. */
  readonly cartBytesPerCart: number;
  /** Bytes left of a cart once it is a tombstone, kept for good (and its unsubscribe entries). */
  readonly tombstoneBytesPerCart: number;
  /** Bytes of audit rows per cart (kept 400 days, then expired by TTL). */
  readonly auditBytesPerCart: number;
  /** Bytes of seen-event markers per cart (kept 30 days, then expired by TTL). */
  readonly eventMarkerBytesPerCart: number;
  /** Days a cart is kept whole: while open, then CR_RETAIN_CARTS after it ends. */
  readonly cartDaysKept: number;
  /** Months the service has run when storage is quoted: tombstones and audit rows pile up. */
  readonly monthsRunning: number;
  /** Nightly exports and the monthly summary. */
  readonly scheduledRunsPerMonth: number;
  /** Share of abandoned carts recovered (only for an estimate; a real month has its own). */
  readonly recoveryRate: number;
  /** Average recovered order, decimal in `currency`. */
  readonly averageOrderValue: string;
  readonly currency: string;
}

/**
 * The AWS usage per unit of work (write and read units per event and per wake-up, wake-ups per
 * abandoned cart, bytes per cart by kind, log bytes, memory) is measured, not guessed: it comes
 * from aws-usage-assumptions.ts, which bench/aws-month.ts writes (`npm run bench -- aws-month
 * --write-assumptions`) from a simulated month metered by AWS's billing rules. The rest describes
 * the store's shoppers (shares, steps, clicks, recovery) or is not measurable locally (Lambda
 * duration, how often an environment is cold), and stays a stated guess.
 */
export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  eventsPerCart: 4,
  shareAbandoned: 0.7,
  shareWithEmail: 0.5,
  steps: 3,
  wakeUpsPerAbandonedCart: MEASURED_AWS_USAGE.wakeUpsPerAbandonedCart,
  clicksPerReminder: 0.05,
  wruPerEvent: MEASURED_AWS_USAGE.wruPerEvent,
  wruPerWakeUp: MEASURED_AWS_USAGE.wruPerWakeUp,
  rruPerEvent: MEASURED_AWS_USAGE.rruPerEvent,
  rruPerWakeUp: MEASURED_AWS_USAGE.rruPerWakeUp,
  lambdaMsPerInvocation: 100,
  lambdaMemoryMb: MEASURED_AWS_USAGE.lambdaMemoryMb,
  // The short end of what is observed, so cold starts are not undercounted; CloudWatch's Init
  // Duration lines tell the truth for a deployed stack.
  warmMinutes: 5,
  // Module init of the deployed bundles (BENCHMARKS.md, module-init: http 276 ms, waiter 262 ms
  // on the bench machine); Lambda's own runtime start is not measurable here.
  initMsPerColdStart: 270,
  logBytesPerInvocation: MEASURED_AWS_USAGE.logBytesPerInvocation,
  cartBytesPerCart: MEASURED_AWS_USAGE.cartBytesPerCart,
  tombstoneBytesPerCart: MEASURED_AWS_USAGE.tombstoneBytesPerCart,
  auditBytesPerCart: MEASURED_AWS_USAGE.auditBytesPerCart,
  eventMarkerBytesPerCart: MEASURED_AWS_USAGE.eventMarkerBytesPerCart,
  // CR_RETAIN_CARTS (90 d) after a cart ends, plus the days it is open (the last step at 72 h).
  cartDaysKept: 93,
  monthsRunning: 12,
  scheduledRunsPerMonth: 31,
  recoveryRate: 0.05,
  averageOrderValue: '80.00',
  currency: 'USD',
};

/** The month's own numbers that drive its cost (a MonthSummary fits, with remindersSent.total). */
export interface MonthCounts {
  readonly cartsSeen: number;
  readonly abandoned: number;
  readonly remindersSent: number;
  readonly clicked: number;
  readonly recovered: number;
}

// Decimal GB (10^9 bytes), as AWS bills storage and log data.
const GB = 1e9;
const DAYS_PER_MONTH = 365.25 / 12;
/** The seen-event markers' TTL (adapters/dynamodb: EVENT_TTL_SECONDS). */
const EVENT_MARKER_DAYS = 30;
const AUDIT_DAYS = AUDIT_RETAIN_MS / 86_400_000;

/**
 * Bytes held per monthly cart once the service has run `monthsRunning` months, each kind for as
 * long as it is kept: every earlier month's carts still inside their retention count once. This
 * is the steady state for what expires (rows kept whole, audit rows, markers) and a year's pile
 * for what does not (tombstones).
 */
export function storedBytesPerMonthlyCart(a: CostAssumptions): number {
  const months = (days: number) => Math.min(a.monthsRunning, days / DAYS_PER_MONTH);
  const whole = months(a.cartDaysKept);
  return (
    a.cartBytesPerCart * whole +
    a.tombstoneBytesPerCart * Math.max(0, a.monthsRunning - whole) +
    a.auditBytesPerCart * months(AUDIT_DAYS) +
    a.eventMarkerBytesPerCart * months(EVENT_MARKER_DAYS)
  );
}

const MINUTES_PER_MONTH = DAYS_PER_MONTH * 24 * 60;

/**
 * Cold starts among `invocations` of one function spread over a month: an invocation starts cold
 * when none came in the `warmMinutes` before it. Arrivals taken as random (Poisson), the chance
 * of that gap is e^(-rate x warmMinutes): a busy function is nearly always warm, a quiet one
 * nearly always cold. Bursts need more environments at once; at a small store's rates they are
 * rare, and the short warm time above leans the other way.
 */
export function coldStarts(invocations: number, warmMinutes: number): number {
  const perMinute = invocations / MINUTES_PER_MONTH;
  return invocations * Math.exp(-perMinute * warmMinutes);
}

/** Webhooks and clicks reach the http function, wake-ups the waiter; the daily jobs start cold. */
export function monthColdStarts(
  streams: { readonly http: number; readonly waiter: number; readonly scheduled: number },
  warmMinutes: number,
): number {
  return (
    coldStarts(streams.http, warmMinutes) +
    coldStarts(streams.waiter, warmMinutes) +
    streams.scheduled
  );
}

export function usageFromSummary(m: MonthCounts, a: CostAssumptions): UsageCounts {
  const events = m.cartsSeen * a.eventsPerCart;
  // A measured average is fractional; the month's wake-ups are whole invocations.
  const wakeUps = Math.round(m.abandoned * a.wakeUpsPerAbandonedCart);
  const invocations = events + wakeUps + m.clicked + a.scheduledRunsPerMonth;
  const cold = monthColdStarts(
    { http: events + m.clicked, waiter: wakeUps, scheduled: a.scheduledRunsPerMonth },
    a.warmMinutes,
  );
  // Lambda bills memory in MB / 1024 as GB, per second of duration.
  const gbPerMs = a.lambdaMemoryMb / (1000 * 1024);
  return {
    lambdaInvocations: invocations,
    lambdaGbSeconds: invocations * a.lambdaMsPerInvocation * gbPerMs,
    lambdaInitGbSeconds: cold * a.initMsPerColdStart * gbPerMs,
    dynamoWrites: events * a.wruPerEvent + wakeUps * a.wruPerWakeUp,
    dynamoReads: events * a.rruPerEvent + wakeUps * a.rruPerWakeUp,
    storageGb: (m.cartsSeen * storedBytesPerMonthlyCart(a)) / GB,
    schedulerInvocations: wakeUps,
    emailsSent: m.remindersSent,
    logGb: (invocations * a.logBytesPerInvocation) / GB,
    recoveredOrders: m.recovered,
  };
}

export interface CostEstimate {
  readonly carts: number;
  readonly assumptions: CostAssumptions;
  readonly derived: MonthCounts & {
    readonly abandonedWithEmail: number;
    /** Decimal string in assumptions.currency. */
    readonly recoveredRevenue: string;
  };
  readonly usage: UsageCounts;
  readonly cost: CostBreakdown;
}

/** `cart-recovery cost --carts N`: a month of N carts under stated assumptions. */
export function estimateForCarts(
  carts: number,
  assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS,
  prices: PriceTable = AWS_PRICES_US_EAST_1,
  opts: { readonly freeTier: boolean } = { freeTier: false },
): CostEstimate {
  if (!Number.isSafeInteger(carts) || carts < 0) {
    throw new RangeError(`carts must be a whole number of carts, not ${carts}`);
  }
  const a = assumptions;
  // Counts of things are whole: round each derived count once.
  const abandoned = Math.round(carts * a.shareAbandoned);
  const abandonedWithEmail = Math.round(abandoned * a.shareWithEmail);
  const remindersSent = abandonedWithEmail * a.steps;
  const clicked = Math.round(remindersSent * a.clicksPerReminder);
  const recovered = Math.round(abandoned * a.recoveryRate);
  const aov = parseMoney(a.averageOrderValue, a.currency);
  if (!aov.ok) throw new RangeError(`averageOrderValue: ${aov.problem}`);
  const counts: MonthCounts = { cartsSeen: carts, abandoned, remindersSent, clicked, recovered };
  const usage = usageFromSummary(counts, a);
  return {
    carts,
    assumptions: a,
    derived: {
      ...counts,
      abandonedWithEmail,
      recoveredRevenue: toDecimalString(recovered * aov.money.minor, a.currency),
    },
    usage,
    cost: costForMonth(usage, prices, opts),
  };
}
