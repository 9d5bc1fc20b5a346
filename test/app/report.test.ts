import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createReports, sendMonthlySummary, summaryPageUrl } from '../../src/app/report.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { DEFAULT_ASSUMPTIONS } from '../../src/domain/cost-estimate.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';
import { DAY, HOUR, makeAudit, makeCart } from '../support/cart-fixtures.ts';

const NOV = Date.UTC(2026, 10, 1);
const DEC = Date.UTC(2026, 11, 1);

let db: SqliteDatabase | null = null;
afterEach(() => {
  db?.close();
  db = null;
});

async function setup(carts: Cart[], policy: Partial<Policy> = {}, now = DEC + 5 * DAY) {
  db = openDatabase({ path: ':memory:' });
  const store = createSqliteCartStore(db);
  for (const cart of carts) {
    const saved = await store.save({ cart, expectedVersion: null, audit: [] });
    expect(saved.kind).toBe('saved');
  }
  const clock = createManualClock(now);
  const reports = createReports({ store, clock, policy: { ...DEFAULT_POLICY, ...policy } });
  return { store, reports, clock };
}

describe('monthly report', () => {
  it('counts carts whose activity lies well before the month or after it', async () => {
    const { reports } = await setup([
      // Last active 20 days before November, reminded, bought on Nov 2 within the window.
      makeCart({
        id: 'early',
        lastActivityAt: NOV - 20 * DAY,
        createdAt: NOV - 20 * DAY,
        status: 'bought',
        abandonedAt: NOV - 20 * DAY + HOUR,
        firstReminderAt: NOV - 20 * DAY + HOUR,
        lastReminderAt: NOV - 2 * DAY,
        boughtAt: NOV + DAY,
        recoveredAt: NOV + DAY,
        totalMinor: 1000,
      }),
      // Created on Nov 30; the shopper came back on Dec 3, so its activity is December's.
      makeCart({ id: 'late', createdAt: DEC - DAY, lastActivityAt: DEC + 2 * DAY }),
      // October's cart: not November's.
      makeCart({ id: 'october', createdAt: NOV - 3 * DAY, lastActivityAt: NOV - 3 * DAY }),
    ]);
    const { summary } = await reports.monthSummary('2026-11');
    expect(summary.cartsSeen).toBe(1); // "late" only
    expect(summary.recovered).toBe(1); // "early"
    expect(summary.recoveredRevenue).toEqual({ USD: '10.00' });
  });

  it('finds holdout rows written just after the month for a cart abandoned in it', async () => {
    const abandonedAt = DEC - HOUR;
    const { store, reports } = await setup(
      [makeCart({ id: 'held', lastActivityAt: abandonedAt - HOUR, abandonedAt })],
      { holdoutShare: 0.5 },
    );
    await store.appendAudit([
      makeAudit({ cartId: 'held', action: 'skipped', reason: 'holdout', at: DEC + 2 * HOUR }),
    ]);
    const { summary } = await reports.monthSummary('2026-11');
    expect(summary.abandoned).toBe(1);
    expect(summary.lift.kind).toBe('too_small');
    if (summary.lift.kind === 'too_small') {
      expect(summary.lift.holdout.n).toBe(1);
      expect(summary.lift.reminded.n).toBe(0);
    }
  });

  it('prices the month from its own counts and says what it assumed', async () => {
    const reminded = (id: string, step: number) =>
      makeAudit({ cartId: id, action: 'reminder_sent', at: NOV + DAY, detail: { step } });
    const { store, reports } = await setup([
      makeCart({ id: 'a', createdAt: NOV + HOUR, lastActivityAt: NOV + HOUR }),
    ]);
    await store.appendAudit([reminded('a', 1), reminded('a', 2)]);
    const { summary, cost, assumptions } = await reports.monthSummary('2026-11');
    expect(summary.remindersSent.total).toBe(2);
    expect(assumptions).toEqual(DEFAULT_ASSUMPTIONS);
    const ses = cost.lines.find((l) => l.service === 'SES');
    expect(ses?.quantity).toBe(2);
    // 1 cart x 4 events per cart (DEFAULT_ASSUMPTIONS.eventsPerCart) + 31 scheduled runs; no wake-ups.
    const requests = cost.lines.find((l) => l.service === 'Lambda' && l.item === 'requests');
    expect(requests?.quantity).toBe(4 + 31);
    const json = await reports.summaryJson('2026-11');
    expect(json.cost?.total).toBe(cost.total);
    expect(json.costAssumptions.eventsPerCart).toBe(4);
  });

  it('writes one summary email per recipient, with text, table, chart and the page link', async () => {
    const { reports } = await setup([
      makeCart({ id: 'a', createdAt: NOV + HOUR, lastActivityAt: NOV + HOUR }),
    ]);
    const emails = await reports.monthlyEmails('2026-11', {
      from: 'Shop <r@shop.example>',
      to: ['sam@shop.example', 'alex@shop.example'],
      publicUrl: 'https://cr.shop.example/',
      storeName: 'Bob & <Sons>',
    });
    expect(emails.map((e) => e.to)).toEqual(['sam@shop.example', 'alex@shop.example']);
    const [first, second] = emails;
    expect(first?.messageId).not.toBe(second?.messageId);
    expect(first?.subject).toContain('2026-11');
    const link = 'https://cr.shop.example/owner/summary?month=2026-11';
    expect(summaryPageUrl('https://cr.shop.example/', '2026-11')).toBe(link);
    expect(first?.text).toContain('Carts seen');
    expect(first?.text).toContain(link);
    expect(first?.html).toContain('<svg');
    expect(first?.html).toContain(`href="${link}"`);
    expect(first?.html).toContain('Bob &amp; &lt;Sons&gt;');
    expect(first?.html).not.toContain('<Sons>');
  });

  it('sends the summary to each report address, and to nobody when none is set', async () => {
    const { reports } = await setup([]);
    const sent: OutgoingEmail[] = [];
    const mailer = {
      async send(email: OutgoingEmail) {
        sent.push(email);
        return { receipt: 'ok' };
      },
    };
    const opts = { from: 'r@shop.example', publicUrl: 'https://cr.shop.example' };
    expect(await sendMonthlySummary(reports, mailer, '2026-11', { ...opts, to: [] })).toBe(0);
    expect(sent).toEqual([]);
    const to = ['a@shop.example', 'b@shop.example'];
    expect(await sendMonthlySummary(reports, mailer, '2026-11', { ...opts, to })).toBe(2);
    expect(sent.map((e) => e.to)).toEqual(to);
  });

  it('renders the owner page fragment with the chart and the table, escaped', async () => {
    const { reports } = await setup([
      makeCart({ id: 'a', createdAt: NOV + HOUR, lastActivityAt: NOV + HOUR }),
    ]);
    const fragment = await reports.summaryHtml('2026-11');
    expect(fragment).toContain('<svg');
    expect(fragment).toMatch(/Carts seen\s+1/);
    expect(fragment).toContain('recovered / (abandoned - written off)');
  });

  it('an unknown month shape is refused', async () => {
    const { reports } = await setup([]);
    await expect(reports.monthSummary('2026-13')).rejects.toThrow(/not a month/);
  });
});
