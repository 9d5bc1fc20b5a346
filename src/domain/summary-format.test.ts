import { describe, expect, it } from 'vitest';
import { BARE, makeCart } from '../../test/support/cart-fixtures.ts';
import { AWS_PRICES_US_EAST_1 } from './aws-prices.ts';
import type { Cart } from './cart.ts';
import { costForMonth } from './cost.ts';
import { DEFAULT_ASSUMPTIONS, estimateForCarts, usageFromSummary } from './cost-estimate.ts';
import { DAY } from './policy.ts';
import { summarizeMonth } from './summary.ts';
import {
  alignColumns,
  estimateToJson,
  formatCostEstimate,
  formatSummaryTable,
  summaryToJson,
} from './summary-format.ts';

const T = Date.UTC(2026, 10, 3, 12);

function cart(id: string, over: Partial<Cart>): Cart {
  return makeCart({
    ...BARE,
    id,
    email: null,
    totalMinor: 1200,
    createdAt: T,
    lastActivityAt: T,
    lastEventId: 'e',
    version: 1,
    ...over,
  });
}

const summary = summarizeMonth({
  month: '2026-11',
  zone: 'UTC',
  holdoutShare: 0,
  carts: [
    cart('a', { email: 'a@example.com', abandonedAt: T, recoveredAt: T + DAY, boughtAt: T + DAY }),
    cart('b', { abandonedAt: T, currency: 'EUR', recoveredAt: T, boughtAt: T, totalMinor: 999 }),
    cart('c', { abandonedAt: T }),
  ],
  audit: [
    {
      id: '1',
      cartId: 'a',
      email: 'a@example.com',
      action: 'reminder_sent',
      actor: 'system',
      at: T,
      reason: null,
      detail: { step: 1 },
      before: null,
      after: null,
    },
  ],
});

const counts = {
  cartsSeen: summary.cartsSeen,
  abandoned: summary.abandoned,
  remindersSent: summary.remindersSent.total,
  clicked: summary.clicked,
  recovered: summary.recovered,
};
const cost = costForMonth(usageFromSummary(counts, DEFAULT_ASSUMPTIONS), AWS_PRICES_US_EAST_1, {
  freeTier: false,
});

describe('summaryToJson', () => {
  it('has the stable camelCase shape, with money as decimal strings per currency', () => {
    const json = summaryToJson(summary, cost);
    expect(Object.keys(json)).toEqual([
      'month',
      'zone',
      'from',
      'to',
      'cartsSeen',
      'cartsWithEmail',
      'abandoned',
      'remindersSent',
      'clicked',
      'recovered',
      'recoveredRevenue',
      'recoveryRate',
      'writtenOff',
      'suppressed',
      'unsubscribed',
      'bounced',
      'complained',
      'expired',
      'daily',
      'lift',
      'cost',
    ]);
    expect(json).toMatchObject({
      month: '2026-11',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
      cartsSeen: 3,
      cartsWithEmail: 1,
      abandoned: 3,
      remindersSent: { total: 1, byStep: { '1': 1 } },
      recovered: 2,
      recoveredRevenue: { EUR: '9.99', USD: '12.00' },
      lift: { kind: 'no_holdout' },
    });
    expect(json.recoveryRate).toBeCloseTo(2 / 3, 12);
    expect(json.daily[2]).toEqual({
      date: '2026-11-03',
      abandoned: 3,
      recovered: 1,
      recoveredRevenue: { EUR: '9.99' },
    });
    expect(json.daily[3]?.recoveredRevenue).toEqual({ USD: '12.00' });
    expect(json.cost?.total).toBe(cost.total);
    expect(json.cost?.lines).toHaveLength(10);
    // Survives a JSON round trip unchanged: nothing in it is a Date, a BigInt or undefined.
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('says cost: null when no cost was given', () => {
    expect(summaryToJson(summary).cost).toBeNull();
  });
});

describe('formatSummaryTable', () => {
  const table = formatSummaryTable(summary, cost);
  const lines = table.split('\n');

  it('lines the numbers up in one right-aligned column', () => {
    const rows = ['Carts seen', 'Abandoned', 'Recovered', 'Written off'].map((label) =>
      lines.find((l) => l.trimStart().startsWith(label)),
    );
    const ends = rows.map((r) => r?.length);
    expect(new Set(ends).size).toBe(1);
    expect(lines.find((l) => l.includes('Carts seen'))).toMatch(/Carts seen\s+3$/);
  });

  it('shows each currency on its own line, the rate, the lift message and the cost', () => {
    expect(table).toContain('9.99 EUR');
    expect(table).toContain('12.00 USD');
    expect(table).toMatch(/Recovery rate\s+66\.7%/);
    expect(table).toContain(`Lift: ${summary.lift.message}`);
    expect(table).toContain('list prices as known on 2026-11-23');
    expect(table).toMatch(/SES\s+reminder emails\s+1\s+\$0\.10 per 1,000 emails\s+\$0\.0001/);
    expect(table).toMatch(/Lambda\s+requests\s+[\d,]+\s+\$0\.20 per 1M requests/);
    expect(table).toContain(`$${cost.total}`);
    // The stack's own lines are shown apart from what the month's volume cost.
    expect(table).toMatch(/Fixed each month/);
    expect(table).toMatch(/Secrets Manager\s+secrets\s+1/);
    expect(table).toMatch(/CloudWatch alarms\s+alarm metrics\s+9/);
    expect(table).toContain(`Fixed total`);
    expect(table).toContain(`$${cost.fixedTotal}`);
    expect(table).not.toMatch(/NaN|undefined/);
  });
});

describe('cost estimate output', () => {
  const e = estimateForCarts(1000);

  it('lists every assumption beside the estimate', () => {
    const text = formatCostEstimate(e);
    expect(text).toContain('month with 1,000 carts');
    expect(text).toMatch(/store events per cart\s+4/);
    expect(text).toMatch(/share of carts abandoned\s+0\.7/);
    expect(text).toMatch(/average recovered order\s+80\.00/);
    expect(text).toMatch(/recovered revenue\s+2800\.00 USD/);
    // The figures are the estimator's (hand-worked in cost.test.ts); here, that they are printed.
    const dollars = (amount: string) => new RegExp(`\\$${amount.replace('.', '\\.')}`);
    expect(text).toMatch(/Total\s+\$\d+\.\d{4}/);
    expect(text).toMatch(dollars(e.cost.total));
    expect(text).toMatch(/Per recovered order\s+\$\d+\.\d{4}/);
    expect(text).toMatch(dollars(e.cost.costPerRecoveredOrder ?? 'none'));
  });

  it('has a JSON form with the assumptions in it', () => {
    const json = estimateToJson(e);
    expect(json.assumptions.eventsPerCart).toBe(4);
    expect(json.cost.total).toBe(e.cost.total);
    expect(json.cost.total).toMatch(/^\d+\.\d{4}$/);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe('alignColumns', () => {
  it('pads left columns and right-aligns number columns', () => {
    expect(
      alignColumns(
        [
          ['a', '1'],
          ['long', '100'],
        ],
        [1],
      ),
    ).toEqual(['a        1', 'long   100']);
  });
});
