/**
 * The monthly summary and cost as the CLI prints them: an aligned plain-text table, or a stable
 * JSON shape (camelCase, ISO times, money as decimal strings) for scripts and the owner API.
 */
import type { CostBreakdown, CostLine } from './cost.ts';
import type { CostAssumptions, CostEstimate } from './cost-estimate.ts';
import type { LiftVerdict } from './lift.ts';
import { toDecimalString } from './money.ts';
import type { MonthSummary } from './summary.ts';
import { countRows } from './summary-words.ts';

export interface CostLineJson {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  unitPrice: string;
  per: number;
  freeQuantity: number;
  cost: string;
}

export interface CostJson {
  region: string;
  pricesAsKnownOn: string;
  freeTier: boolean;
  lines: CostLineJson[];
  total: string;
  recoveredOrders: number;
  costPerRecoveredOrder: string | null;
  /** The stack's own monthly lines (secrets, alarm metrics, point-in-time recovery), apart. */
  fixedLines: CostLineJson[];
  fixedTotal: string;
}

export interface SummaryJson {
  month: string;
  zone: string;
  from: string;
  to: string;
  cartsSeen: number;
  cartsWithEmail: number;
  abandoned: number;
  remindersSent: { total: number; byStep: Record<string, number> };
  clicked: number;
  recovered: number;
  recoveredRevenue: Record<string, string>;
  recoveryRate: number | null;
  writtenOff: number;
  suppressed: number;
  unsubscribed: number;
  bounced: number;
  complained: number;
  expired: number;
  daily: {
    date: string;
    abandoned: number;
    recovered: number;
    recoveredRevenue: Record<string, string>;
  }[];
  lift: LiftVerdict;
  cost: CostJson | null;
}

function costLineJson(l: CostLine): CostLineJson {
  return {
    service: l.service,
    item: l.item,
    quantity: l.quantity,
    unit: l.unit,
    unitPrice: l.unitPrice,
    per: l.per,
    freeQuantity: l.freeQuantity,
    cost: l.cost,
  };
}

export function costToJson(cost: CostBreakdown): CostJson {
  return {
    region: cost.region,
    pricesAsKnownOn: cost.pricesAsKnownOn,
    freeTier: cost.freeTier,
    lines: cost.lines.map(costLineJson),
    total: cost.total,
    recoveredOrders: cost.recoveredOrders,
    costPerRecoveredOrder: cost.costPerRecoveredOrder,
    fixedLines: cost.fixedLines.map(costLineJson),
    fixedTotal: cost.fixedTotal,
  };
}

export function summaryToJson(summary: MonthSummary, cost?: CostBreakdown): SummaryJson {
  const s = summary;
  return {
    month: s.month,
    zone: s.zone,
    from: new Date(s.from).toISOString(),
    to: new Date(s.to).toISOString(),
    cartsSeen: s.cartsSeen,
    cartsWithEmail: s.cartsWithEmail,
    abandoned: s.abandoned,
    remindersSent: { total: s.remindersSent.total, byStep: { ...s.remindersSent.byStep } },
    clicked: s.clicked,
    recovered: s.recovered,
    recoveredRevenue: { ...s.recoveredRevenue },
    recoveryRate: s.recoveryRate,
    writtenOff: s.writtenOff,
    suppressed: s.suppressed,
    unsubscribed: s.unsubscribed,
    bounced: s.bounced,
    complained: s.complained,
    expired: s.expired,
    daily: s.daily.map((d) => ({
      date: d.date,
      abandoned: d.abandoned,
      recovered: d.recovered,
      recoveredRevenue: Object.fromEntries(
        Object.entries(d.recoveredRevenueMinor).map(([cur, minor]) => [
          cur,
          toDecimalString(minor, cur),
        ]),
      ),
    })),
    lift: s.lift,
    cost: cost ? costToJson(cost) : null,
  };
}

const int = new Intl.NumberFormat('en-US');
const qty = (q: number): string =>
  new Intl.NumberFormat('en-US', { maximumFractionDigits: q < 1 ? 6 : 2 }).format(q);

/** "1,000,000" -> "1M" in a price: "$0.20 per 1M requests". */
function perLabel(per: number, unit: string): string {
  if (per === 1) return unit;
  const count = per % 1_000_000 === 0 ? `${per / 1_000_000}M` : int.format(per);
  return `${count} ${unit}s`;
}

/** Rows of cells into columns; `right` lists the columns aligned right (numbers). */
export function alignColumns(
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  return rows.map((row) =>
    row
      .map((cell, i) =>
        right.includes(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('   ')
      .trimEnd(),
  );
}

function monthRows(s: MonthSummary): string[][] {
  return countRows(s).map((r) => {
    const label = r.more ? '' : r.step ? `  ${r.label}` : r.label;
    return r.note === undefined ? [label, r.value] : [label, r.value, r.note];
  });
}

function costLineRow(l: CostLine, freeTier: boolean): string[] {
  const row = [
    l.service,
    l.item,
    qty(l.quantity),
    `$${l.unitPrice} per ${perLabel(l.per, l.unit)}`,
  ];
  if (freeTier) row.push(l.freeQuantity > 0 ? `${qty(l.freeQuantity)} free` : '');
  row.push(`$${l.cost}`);
  return row;
}

/** The cost lines as an aligned table, with the date of the prices. */
export function formatCostTable(cost: CostBreakdown): string {
  const head = ['Service', 'Item', 'Quantity', 'Price'];
  if (cost.freeTier) head.push('Free tier');
  head.push('Cost');
  const last = head.length - 1;
  const pad = (label: string, value: string) => [label, ...Array<string>(last - 1).fill(''), value];
  const rows = [
    head,
    ...cost.lines.map((l) => costLineRow(l, cost.freeTier)),
    pad('Total', `$${cost.total}`),
    pad(
      'Per recovered order',
      cost.costPerRecoveredOrder === null ? 'n/a' : `$${cost.costPerRecoveredOrder}`,
    ),
    // The stack's own lines (secrets, alarms, backups): there whatever the month's volume.
    pad('Fixed each month', ''),
    ...cost.fixedLines.map((l) => costLineRow(l, cost.freeTier)),
    pad('Fixed total', `$${cost.fixedTotal}`),
  ];
  const title = `AWS cost (${cost.region}, list prices as known on ${cost.pricesAsKnownOn}${cost.freeTier ? ', free tier applied' : ''})`;
  return [title, ...alignColumns(rows, [2, last]).map((r) => `  ${r}`)].join('\n');
}

export function formatSummaryTable(summary: MonthSummary, cost?: CostBreakdown): string {
  const parts = [
    `Cart recovery summary, ${summary.month} (${summary.zone})`,
    '',
    ...alignColumns(monthRows(summary), [1]).map((r) => `  ${r}`),
    '',
    `Lift: ${summary.lift.message}`,
  ];
  if (cost) parts.push('', formatCostTable(cost));
  return `${parts.join('\n')}\n`;
}

const ASSUMPTION_LABELS: Record<keyof CostAssumptions, string> = {
  eventsPerCart: 'store events per cart',
  shareAbandoned: 'share of carts abandoned',
  shareWithEmail: 'share of abandoned carts with an email',
  steps: 'reminder steps per cart with an email',
  wakeUpsPerAbandonedCart: 'wake-ups per abandoned cart',
  clicksPerReminder: 'cart-link clicks per reminder',
  wruPerEvent: 'DynamoDB write units per event',
  wruPerWakeUp: 'DynamoDB write units per wake-up',
  rruPerEvent: 'DynamoDB read units per event',
  rruPerWakeUp: 'DynamoDB read units per wake-up',
  lambdaMsPerInvocation: 'Lambda milliseconds per invocation',
  lambdaMemoryMb: 'Lambda memory (MB, arm64)',
  warmMinutes: 'minutes Lambda keeps an idle function warm',
  initMsPerColdStart: 'INIT milliseconds per cold start',
  logBytesPerInvocation: 'log bytes per invocation',
  cartBytesPerCart: 'bytes per cart while kept whole',
  tombstoneBytesPerCart: 'bytes per cart as a tombstone',
  auditBytesPerCart: 'audit bytes per cart (kept 400 days)',
  eventMarkerBytesPerCart: 'event-marker bytes per cart (30 days)',
  cartDaysKept: 'days a cart is kept whole',
  monthsRunning: 'months running (storage quoted at)',
  scheduledRunsPerMonth: 'scheduled runs a month (nightly sheet, summary)',
  recoveryRate: 'share of abandoned carts recovered',
  averageOrderValue: 'average recovered order',
  currency: 'currency',
};

/** `cart-recovery cost --carts N`: what was assumed, what that implies, and what it costs. */
export function formatCostEstimate(e: CostEstimate): string {
  const d = e.derived;
  const assumed = Object.entries(ASSUMPTION_LABELS).map(([key, label]) => {
    const value = e.assumptions[key as keyof CostAssumptions];
    return [label, typeof value === 'number' ? qty(value) : value];
  });
  const implied = [
    ['abandoned carts', int.format(d.abandoned)],
    ['abandoned carts with an email', int.format(d.abandonedWithEmail)],
    ['reminders sent', int.format(d.remindersSent)],
    ['clicks', int.format(d.clicked)],
    ['recovered orders', int.format(d.recovered)],
    ['recovered revenue', `${d.recoveredRevenue} ${e.assumptions.currency}`],
  ];
  return [
    `Estimated AWS cost of a month with ${int.format(e.carts)} carts`,
    '',
    'Assumed (change them to match your store):',
    ...alignColumns(assumed, [1]).map((r) => `  ${r}`),
    '',
    'Which means:',
    ...alignColumns(implied, [1]).map((r) => `  ${r}`),
    '',
    formatCostTable(e.cost),
    '',
  ].join('\n');
}

export function estimateToJson(e: CostEstimate) {
  return {
    carts: e.carts,
    assumptions: { ...e.assumptions },
    derived: { ...e.derived },
    usage: { ...e.usage },
    cost: costToJson(e.cost),
  };
}
