import { describe, expect, it } from 'vitest';
import { ROUND } from '../../test/support/cost-fixtures.ts';
import { AWS_PRICES_US_EAST_1 } from './aws-prices.ts';
import { MEASURED_AWS_USAGE } from './aws-usage-assumptions.ts';
import {
  coldStarts,
  DEFAULT_ASSUMPTIONS,
  estimateForCarts,
  monthColdStarts,
  storedBytesPerMonthlyCart,
} from './cost-estimate.ts';

const prices = AWS_PRICES_US_EAST_1;

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
      'Lambda cold-start INIT (arm64)': 0,
      'DynamoDB writes (on-demand)': 9375,
      'DynamoDB reads (on-demand)': 1375,
      'DynamoDB storage': 12000,
      'EventBridge Scheduler wake-ups': 3500,
      'SES reminder emails': 105000,
      'CloudWatch Logs ingestion': 7584,
      'CloudWatch Logs storage': 455,
    });
    expect(micros['Lambda cold-start INIT (arm64)']).toBe(0);
    expect(e.cost.totalMicros).toBe(143_334);
    expect(e.cost.total).toBe('0.1433');
    expect(e.cost.costPerRecoveredOrder).toBe('0.0041');
    expect(e.cost.pricesAsKnownOn).toBe('2026-11-23');
    expect(e.assumptions).toBe(ROUND);
  });

  it('takes its AWS usage per unit of work from the measured assumptions file', () => {
    const e = estimateForCarts(1000);
    expect(e.assumptions).toBe(DEFAULT_ASSUMPTIONS);
    const { wruPerEvent, rruPerEvent, wruPerWakeUp, rruPerWakeUp, cartBytesPerCart } =
      MEASURED_AWS_USAGE;
    const { tombstoneBytesPerCart, auditBytesPerCart, eventMarkerBytesPerCart } =
      MEASURED_AWS_USAGE;
    expect(DEFAULT_ASSUMPTIONS).toMatchObject({
      wruPerEvent,
      rruPerEvent,
      wruPerWakeUp,
      rruPerWakeUp,
      cartBytesPerCart,
      tombstoneBytesPerCart,
      auditBytesPerCart,
      eventMarkerBytesPerCart,
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

  it('adds cold starts: an invocation with none in the warm minutes before pays its INIT', () => {
    // A month is 43,830 minutes. http: 4,000 events + 53 clicks, 0.092471 a minute, cold when no
    // other came in 5 minutes: e^-0.462355 = 0.629787, 2,552.53 cold. Waiter: 3,500 wake-ups,
    // e^-0.399270 = 0.670834, 2,347.92 cold. The 31 daily jobs: all cold. 4,931.41 cold starts
    // x 0.36 s x 0.25 GB = 443.827 GB-s x $0.0000133334 = 5,917.7 -> 5,918 micro-dollars.
    const e = estimateForCarts(1000, { ...ROUND, warmMinutes: 5, initMsPerColdStart: 360 });
    expect(e.usage.lambdaInitGbSeconds).toBeCloseTo(443.827, 3);
    const init = e.cost.lines.find((l) => l.item === 'cold-start INIT (arm64)');
    expect(init?.costMicros).toBe(5918);
    expect(e.cost.totalMicros).toBe(143_334 + 5918);
  });

  it('counts a busy function as nearly always warm and a quiet one as nearly always cold', () => {
    // 100 invocations a month: one every 7 hours, each cold. 1,000,000: 23 a minute, none cold.
    expect(coldStarts(100, 5)).toBeCloseTo(98.87, 2);
    expect(coldStarts(1_000_000, 5)).toBeLessThan(1e-40);
    expect(monthColdStarts({ http: 0, waiter: 0, scheduled: 31 }, 5)).toBe(31);
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

describe('storage after a year of running', () => {
  const kinds = {
    ...DEFAULT_ASSUMPTIONS,
    cartBytesPerCart: 3000,
    tombstoneBytesPerCart: 200,
    auditBytesPerCart: 2000,
    eventMarkerBytesPerCart: 300,
    cartDaysKept: 93,
    monthsRunning: 12,
  };

  it('keeps each kind of bytes as long as the code keeps it', () => {
    // Months of 30.4375 days: whole 93 d = 3.0554 months, then a tombstone for the 8.9446 left;
    // audit rows 400 d, more than the 12 months run: 12; markers 30 d = 0.9856.
    //   3,000 x 3.0554 + 200 x 8.9446 + 2,000 x 12 + 300 x 0.9856 = 35,250.9 byte-months.
    expect(storedBytesPerMonthlyCart(kinds)).toBeCloseTo(35_250.92, 1);
  });

  it('counts only the months run so far in the first months', () => {
    // One month in: every kind kept at least a month except markers (30 of 30.4375 days).
    expect(storedBytesPerMonthlyCart({ ...kinds, monthsRunning: 1 })).toBeCloseTo(5295.69, 1);
  });

  it('prices 10,000 carts a month at that size', () => {
    const e = estimateForCarts(10_000, kinds);
    // 10,000 x 35,250.92 B = 0.35251 GB x $0.25 = $0.0881273 -> 88,127 micro-dollars.
    expect(e.usage.storageGb).toBeCloseTo(0.3525092, 6);
    expect(
      e.cost.lines.find((l) => l.item === 'storage' && l.service === 'DynamoDB')?.costMicros,
    ).toBe(88_127);
  });
});
