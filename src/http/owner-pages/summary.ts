/**
 * The month as a page: the headline, the chart (a phone gets its own narrower drawing, so the
 * axes stay readable), the counts, the steps and the cost lines as tables, the lift in words.
 */
import type { MonthReport } from '../../app/report.ts';
import { renderMonthChart } from '../../domain/chart-svg.ts';
import type { CostBreakdown, CostLine } from '../../domain/cost.ts';
import type { MonthSummary } from '../../domain/summary.ts';
import { countRows, liftInWords, percent } from '../../domain/summary-words.ts';
import { html, SafeHtml } from '../page.ts';

export interface SummaryView {
  readonly month: string;
  /** The store's current month: no link on to a month that has not started. */
  readonly thisMonth: string;
  readonly report: MonthReport;
  /** This install runs locally (SQLite): the AWS lines are what it would cost there. */
  readonly local: boolean;
}

const NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function monthName(month: string): string {
  const [year, m] = month.split('-');
  return `${NAMES[Number(m) - 1] ?? ''} ${year ?? ''}`;
}

export function shiftMonth(month: string, by: number): string {
  const [year, m] = month.split('-').map(Number);
  const index = (year ?? 1970) * 12 + (m ?? 1) - 1 + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const href = (month: string) => `/owner/summary?month=${month}`;

function monthNav(month: string, thisMonth: string): SafeHtml {
  const prev = shiftMonth(month, -1);
  const next = shiftMonth(month, 1);
  return html`<nav class="daypick" aria-label="Months">
    <a class="btn ghost" href="${href(prev)}" rel="prev">← ${monthName(prev)}</a>
    <form method="get" action="/owner/summary">
      <input type="month" name="month" value="${month}" aria-label="Month">
      <button class="ghost" type="submit">Show</button>
    </form>
    ${next <= thisMonth ? html`<a class="btn ghost" href="${href(next)}" rel="next">${monthName(next)} →</a>` : ''}
  </nav>`;
}

function chart(summary: MonthSummary): SafeHtml {
  // Both drawings are the server's own SVG from numbers, every label escaped by chart-svg.
  const wide = renderMonthChart(summary);
  const narrow = renderMonthChart(summary, {
    width: 380,
    height: 300,
    title: monthName(summary.month),
  });
  return html`<figure class="chart"><div class="chart-wide">${new SafeHtml(wide)}</div>
    <div class="chart-narrow">${new SafeHtml(narrow)}</div>
    <figcaption class="muted">Abandoned and recovered carts per day${
      Object.keys(summary.recoveredRevenue).length > 0 ? ', and the revenue recovered' : ''
    }. The counts are in the table below.</figcaption></figure>`;
}

function countsTable(summary: MonthSummary): SafeHtml {
  const rows = countRows(summary).filter((r) => !r.step);
  return html`<table class="lines" aria-label="The month’s counts"><tbody>${rows.map(
    (r) =>
      html`<tr><th scope="row">${r.more ? '' : r.label}${
        r.note === undefined ? '' : html`<span class="note">${r.note}</span>`
      }</th><td class="num">${r.value}</td></tr>`,
  )}</tbody></table>`;
}

function stepsTable(summary: MonthSummary): SafeHtml {
  const steps = Object.entries(summary.remindersSent.byStep);
  if (steps.length === 0) return html`<p class="muted">No reminder was sent this month.</p>`;
  const share = (count: number) =>
    summary.abandoned === 0 ? 'n/a' : percent(count / summary.abandoned);
  return html`<table class="lines"><thead><tr><th scope="col">Step</th><th scope="col" class="num">Sent</th>
    <th scope="col" class="num">Of abandoned carts</th></tr></thead><tbody>${steps.map(
      ([step, count]) =>
        html`<tr><td>Reminder ${step}</td><td class="num">${count}</td><td class="num">${share(count)}</td></tr>`,
    )}</tbody></table>`;
}

function costRow(line: CostLine): SafeHtml {
  const per = line.per === 1 ? line.unit : `${line.per.toLocaleString('en-US')} ${line.unit}s`;
  return html`<tr><td>${line.service}</td><td>${line.item}</td>
    <td class="num">${line.quantity.toLocaleString('en-US', { maximumFractionDigits: 2 })}</td>
    <td class="num">$${line.unitPrice} per ${per}</td><td class="num">$${line.cost}</td></tr>`;
}

function costSection(cost: CostBreakdown, local: boolean): SafeHtml {
  const heading = local
    ? 'What this month would cost on AWS (an estimate)'
    : 'AWS cost this month (an estimate)';
  const why = local
    ? 'This install runs on your own machine with SQLite and pays AWS nothing. These lines estimate what the same month would cost deployed on AWS'
    : 'Worked out from this month’s counts';
  return html`<section class="card" aria-labelledby="cost-h"><h2 id="cost-h">${heading}</h2>
    <p class="muted">${why}, at ${cost.region} list prices as known on ${cost.pricesAsKnownOn}${
      cost.freeTier ? ', free tier applied' : ''
    }. Your AWS bill is the real figure.</p>
    <div class="scroll-x" role="region" aria-labelledby="cost-h" tabindex="0"><table class="lines cost"><thead><tr><th scope="col">Service</th><th scope="col">Item</th>
      <th scope="col" class="num">Quantity</th><th scope="col" class="num">Price</th><th scope="col" class="num">Cost</th></tr></thead>
    <tbody>${cost.lines.map(costRow)}
      <tr class="total"><th scope="row" colspan="4">Total</th><td class="num">$${cost.total}</td></tr>
      <tr><th scope="row" colspan="4">Per recovered order</th><td class="num">${
        cost.costPerRecoveredOrder === null ? 'n/a' : `$${cost.costPerRecoveredOrder}`
      }</td></tr>
      <tr><th scope="row" colspan="5">Fixed each month, whatever the volume</th></tr>
      ${cost.fixedLines.map(costRow)}
      <tr class="total"><th scope="row" colspan="4">Fixed total</th><td class="num">$${cost.fixedTotal}</td></tr>
    </tbody></table></div></section>`;
}

function headline(s: MonthSummary): string {
  const revenue = Object.entries(s.recoveredRevenue).map(([cur, amount]) => `${amount} ${cur}`);
  const rate = s.recoveryRate === null ? '' : ` (${percent(s.recoveryRate)})`;
  const money = revenue.length === 0 ? '' : `, bringing back ${revenue.join(' + ')}`;
  return `${s.abandoned} carts abandoned and ${s.recovered} recovered${rate}${money}.`;
}

export function summaryPageBody({ month, thisMonth, report, local }: SummaryView): SafeHtml {
  const { summary, cost } = report;
  return html`<div class="head"><div><h1>Summary for ${month}</h1>
      <p class="muted sub">${monthName(month)}, ${summary.zone} time</p></div>
      ${monthNav(month, thisMonth)}
    </div>
    <p class="lead" data-headline>${headline(summary)}</p>
    <section class="card">${chart(summary)}</section>
    <div class="grid">
      <section class="card"><h2>Counts</h2>${countsTable(summary)}</section>
      <div>
        <section class="card"><h2>Reminders by step</h2>${stepsTable(summary)}</section>
        <section class="card" data-lift="${summary.lift.kind}"><h2>Did the reminders make the difference?</h2>
          <p>${liftInWords(summary.lift)}</p></section>
      </div>
    </div>
    ${costSection(cost, local)}`;
}
