import { describe, expect, it } from 'vitest';
import { AWS_PRICES_US_EAST_1 } from './aws-prices.ts';
import { MEASURED_AWS_USAGE } from './aws-usage-assumptions.ts';
import {
  type CostAssumptions,
  costForMonth,
  DEFAULT_ASSUMPTIONS,
  dollarsToPico,
  estimateForCarts,
  formatDollars,
  lineCostMicros,
  type UsageCounts,
  usageFromSummary,
} from './cost.ts';

const prices = AWS_PRICES_US_EAST_1;

/**
 * Round figures for the hand-worked arithmetic below (the estimator's guesses before the
 * aws-month bench measured them), so the cost arithmetic is checked whatever the bench measures.
 */
const ROUND: CostAssumptions = {
  ...DEFAULT_ASSUMPTIONS,
  wakeUpsPerAbandonedCart: 5,
  wruPerEvent: 2,
  wruPerWakeUp: 2,
  rruPerEvent: 1,
  rruPerWakeUp: 2,
  lambdaMemoryMb: 256,
  logBytesPerInvocation: 2000,
  bytesStoredPerCart: 4000,
};

describe('exact money', () => {
  it('parses prices into picodollars without a float', () => {
    expect(dollarsToPico('0.0000133334')).toBe(13_333_400n);
    expect(dollarsToPico('0.625')).toBe(625_000_000_000n);
    expect(dollarsToPico('1')).toBe(1_000_000_000_000n);
    expect(() => dollarsToPico('$1')).toThrow(RangeError);
  });

  it('rounds each line once, half up, to micro-dollars', () => {
    // 3 requests at $0.20 per million = $0.0000006 = 0.6 micro-dollars -> 1.
    expect(lineCostMicros(3, prices.lambda.requests)).toBe(1);
    // 2 requests = 0.4 micro-dollars -> 0.
    expect(lineCostMicros(2, prices.lambda.requests)).toBe(0);
    // 10 million requests at $0.20 per million = $2.
    expect(lineCostMicros(10_000_000, prices.lambda.requests)).toBe(2_000_000);
  });

  it('shows dollars with 4 decimals', () => {
    expect(formatDollars(143_334)).toBe('0.1433');
    expect(formatDollars(143_350)).toBe('0.1434');
    expect(formatDollars(12_345_678_901)).toBe('12345.6789');
    expect(formatDollars(0)).toBe('0.0000');
  });
});

describe('estimateForCarts', () => {
  it('prices 1,000 carts as computed by hand', () => {
    // ROUND: 4 events a cart, 70% abandoned, half of those with an email, 3 steps,
    // 5 wake-ups per abandoned cart, 0.05 clicks per reminder, 31 scheduled runs, 5% recovered.
    //   events 4,000; abandoned 700; with email 350; reminders 1,050; clicks round(52.5) = 53;
    //   wake-ups 3,500; recovered 35; revenue 35 x $80 = $2,800.00
    //   Lambda invocations 4,000 + 3,500 + 53 + 31 = 7,584
    //     requests 7,584 x $0.20/1M                  = $0.0015168     -> 1,517 micro-dollars
    //     compute 7,584 x 0.1 s x 0.25 GB = 189.6 GB-s x $0.0000133334 = $0.00252801 -> 2,528
    //   DynamoDB writes 4,000 x 2 + 3,500 x 2 = 15,000 x $0.625/1M = $0.009375 -> 9,375
    //            reads  4,000 x 1 + 3,500 x 2 = 11,000 x $0.125/1M = $0.001375 -> 1,375
    //            storage 1,000 x 4,000 B x 12 months = 0.048 GB x $0.25   = $0.012 -> 12,000
    //   Scheduler 3,500 x $1/1M                                   = $0.0035 -> 3,500
    //   SES 1,050 x $0.10/1,000                                   = $0.105  -> 105,000
    //   Logs 7,584 x 2,000 B = 0.015168 GB: ingestion x $0.50 = $0.007584 -> 7,584
    //                                       storage   x $0.03 = $0.00045504 -> 455
    //   total 143,334 micro-dollars = $0.1433; per recovered order 143,334 / 35 = 4,095 -> $0.0041
    const e = estimateForCarts(1000, ROUND);
    expect(e.derived).toEqual({
      cartsSeen: 1000,
      abandoned: 700,
      abandonedWithEmail: 350,
      remindersSent: 1050,
      clicked: 53,
      recovered: 35,
      recoveredRevenue: '2800.00',
    });
    expect(e.usage.lambdaInvocations).toBe(7584);
    expect(e.usage.lambdaGbSeconds).toBeCloseTo(189.6, 9);
    const micros = Object.fromEntries(
      e.cost.lines.map((l) => [`${l.service} ${l.item}`, l.costMicros]),
    );
    expect(micros).toEqual({
      'Lambda requests': 1517,
      'Lambda compute (arm64)': 2528,
      'DynamoDB writes (on-demand)': 9375,
      'DynamoDB reads (on-demand)': 1375,
      'DynamoDB storage': 12000,
      'EventBridge Scheduler wake-ups': 3500,
      'SES reminder emails': 105000,
      'CloudWatch Logs ingestion': 7584,
      'CloudWatch Logs storage': 455,
    });
    expect(e.cost.totalMicros).toBe(143_334);
    expect(e.cost.total).toBe('0.1433');
    expect(e.cost.costPerRecoveredOrder).toBe('0.0041');
    expect(e.cost.pricesAsKnownOn).toBe('2026-11-23');
    expect(e.assumptions).toBe(ROUND);
  });

  it('takes its AWS usage per unit of work from the measured assumptions file', () => {
    const e = estimateForCarts(1000);
    expect(e.assumptions).toBe(DEFAULT_ASSUMPTIONS);
    const { wruPerEvent, rruPerEvent, wruPerWakeUp, rruPerWakeUp, bytesStoredPerCart } =
      MEASURED_AWS_USAGE;
    expect(DEFAULT_ASSUMPTIONS).toMatchObject({
      wruPerEvent,
      rruPerEvent,
      wruPerWakeUp,
      rruPerWakeUp,
      bytesStoredPerCart,
    });
    // 4,000 events and 700 x wake-ups-per-abandoned-cart wake-ups at the measured units.
    const wakeUps = Math.round(700 * MEASURED_AWS_USAGE.wakeUpsPerAbandonedCart);
    expect(e.usage.dynamoWrites).toBeCloseTo(4000 * wruPerEvent + wakeUps * wruPerWakeUp, 6);
    expect(e.usage.dynamoReads).toBeCloseTo(4000 * rruPerEvent + wakeUps * rruPerWakeUp, 6);
  });

  it('leaves only DynamoDB request units to pay for 1,000 carts inside the free tier', () => {
    // On-demand request units have no free tier: 9,375 + 1,375 micro-dollars, as above.
    const e = estimateForCarts(1000, ROUND, prices, { freeTier: true });
    expect(e.cost.totalMicros).toBe(10_750);
    const ses = e.cost.lines.find((l) => l.service === 'SES');
    expect(ses?.freeQuantity).toBe(1050);
  });

  it('rejects a number of carts that is not a whole count', () => {
    expect(() => estimateForCarts(-1)).toThrow(RangeError);
    expect(() => estimateForCarts(1.5)).toThrow(RangeError);
  });

  it('grows with volume and never costs less for more carts', () => {
    let previous = -1;
    for (const n of [0, 10, 1000, 10_000, 100_000, 1_000_000]) {
      const total = estimateForCarts(n).cost.totalMicros;
      expect(total).toBeGreaterThanOrEqual(previous);
      previous = total;
    }
  });
});

describe('costForMonth', () => {
  const usage: UsageCounts = {
    lambdaInvocations: 2_000_000,
    lambdaGbSeconds: 500_000,
    dynamoWrites: 0,
    dynamoReads: 0,
    storageGb: 0,
    schedulerInvocations: 0,
    emailsSent: 0,
    logGb: 6,
    recoveredOrders: 0,
  };

  it('charges only what is over the free tier, logs allowance shared by ingestion then storage', () => {
    const c = costForMonth(usage, prices, { freeTier: true });
    const by = (item: string) => c.lines.find((l) => `${l.service} ${l.item}` === item);
    // 1M of 2M requests billed: $0.20. 100,000 of 500,000 GB-s billed: $1.33334.
    expect(by('Lambda requests')?.costMicros).toBe(200_000);
    expect(by('Lambda compute (arm64)')?.costMicros).toBe(1_333_340);
    // 5 of 6 GB free for ingestion: $0.50; no allowance left for storage: 6 x $0.03.
    expect(by('CloudWatch Logs ingestion')?.costMicros).toBe(500_000);
    expect(by('CloudWatch Logs storage')?.costMicros).toBe(180_000);
    expect(c.total).toBe('2.2133');
    expect(c.costPerRecoveredOrder).toBeNull();
  });

  it('derives usage from a month of counts', () => {
    const u = usageFromSummary(
      { cartsSeen: 10, abandoned: 2, remindersSent: 3, clicked: 1, recovered: 1 },
      ROUND,
    );
    // 40 events + 10 wake-ups + 1 click + 31 scheduled runs.
    expect(u.lambdaInvocations).toBe(82);
    expect(u.schedulerInvocations).toBe(10);
    expect(u.dynamoWrites).toBe(40 * 2 + 10 * 2);
    expect(u.emailsSent).toBe(3);
    expect(u.recoveredOrders).toBe(1);
  });
});

describe('the stack’s fixed monthly lines', () => {
  const usage = {
    lambdaInvocations: 0,
    lambdaGbSeconds: 0,
    dynamoWrites: 0,
    dynamoReads: 0,
    storageGb: 2.5,
    schedulerInvocations: 0,
    emailsSent: 0,
    logGb: 0,
    recoveredOrders: 0,
  };

  it('prices the secrets, the alarm metrics and point-in-time recovery apart from usage', () => {
    const c = costForMonth(usage, AWS_PRICES_US_EAST_1, { freeTier: false });
    // 1 secret x $0.40; 9 alarm metrics x $0.10 = $0.90; 2.5 GB x $0.20 = $0.50.
    expect(c.fixedLines.map((l) => [l.service, l.item, l.cost])).toEqual([
      ['Secrets Manager', 'secrets', '0.4000'],
      ['CloudWatch alarms', 'alarm metrics', '0.9000'],
      ['DynamoDB', 'point-in-time recovery', '0.5000'],
    ]);
    expect(c.fixedTotal).toBe('1.8000');
    // The usage total does not include them.
    expect(c.lines.some((l) => l.item === 'secrets')).toBe(false);
  });

  it('counts the always-free 10 alarm metrics with the free tier, and a five-secret stack', () => {
    const c = costForMonth(usage, AWS_PRICES_US_EAST_1, {
      freeTier: true,
      stack: { secrets: 5, alarmMetrics: 16 },
    });
    const cost = Object.fromEntries(c.fixedLines.map((l) => [l.item, l.cost]));
    expect(cost).toEqual({
      secrets: '2.0000',
      'alarm metrics': '0.6000',
      'point-in-time recovery': '0.5000',
    });
  });
});
