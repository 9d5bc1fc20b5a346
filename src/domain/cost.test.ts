import { describe, expect, it } from 'vitest';
import { ROUND } from '../../test/support/cost-fixtures.ts';
import { AWS_PRICES_US_EAST_1 } from './aws-prices.ts';
import {
  costForMonth,
  dollarsToPico,
  formatDollars,
  lineCostMicros,
  type UsageCounts,
} from './cost.ts';
import { usageFromSummary } from './cost-estimate.ts';

const prices = AWS_PRICES_US_EAST_1;

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

describe('costForMonth', () => {
  const usage: UsageCounts = {
    lambdaInvocations: 2_000_000,
    lambdaGbSeconds: 500_000,
    lambdaInitGbSeconds: 0,
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

  it("prices cold starts' INIT like duration, after duration has used the free GB-seconds", () => {
    const init = (lambdaGbSeconds: number, lambdaInitGbSeconds: number) =>
      costForMonth({ ...usage, lambdaGbSeconds, lambdaInitGbSeconds }, prices, {
        freeTier: true,
      }).lines.find((l) => l.item === 'cold-start INIT (arm64)');
    // Duration 500,000 GB-s took all 400,000 free: 10,000 INIT GB-s x $0.0000133334 = $0.133334.
    expect(init(500_000, 10_000)).toMatchObject({ freeQuantity: 0, costMicros: 133_334 });
    // Duration 100,000 leaves 300,000 free: 50,000 INIT GB-s cost nothing; 350,000 pay for 50,000.
    expect(init(100_000, 50_000)).toMatchObject({ freeQuantity: 50_000, costMicros: 0 });
    expect(init(100_000, 350_000)).toMatchObject({ freeQuantity: 300_000, costMicros: 666_670 });
    // Without the free tier every INIT GB-second is paid.
    const paid = costForMonth({ ...usage, lambdaInitGbSeconds: 10_000 }, prices, {
      freeTier: false,
    }).lines.find((l) => l.item === 'cold-start INIT (arm64)');
    expect(paid?.costMicros).toBe(133_334);
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
    lambdaInitGbSeconds: 0,
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
