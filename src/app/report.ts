/**
 * Report: the monthly summary (SPEC 5) as a use case. Loads the month's carts and audit rows
 * through the store, lets the domain count them, and prices the month on AWS.
 */
import { AWS_PRICES_US_EAST_1, type PriceTable } from '../domain/aws-prices.ts';
import { escapeXml, renderMonthChart } from '../domain/chart-svg.ts';
import { type CostBreakdown, costForMonth } from '../domain/cost.ts';
import {
  type CostAssumptions,
  DEFAULT_ASSUMPTIONS,
  usageFromSummary,
} from '../domain/cost-estimate.ts';
import { DAY, type Policy } from '../domain/policy.ts';
import { type MonthSummary, monthRange, summarizeMonth } from '../domain/summary.ts';
import { formatSummaryTable, type SummaryJson, summaryToJson } from '../domain/summary-format.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Mailer, OutgoingEmail } from '../ports/mailer.ts';

export interface ReportDeps {
  readonly store: Pick<CartStore, 'listByActivity' | 'auditBetween'>;
  readonly policy: Policy;
  readonly clock: Clock;
  readonly prices?: PriceTable;
  /**
   * What the month's counts imply about AWS usage (events per cart, Lambda duration...). The
   * defaults are DEFAULT_ASSUMPTIONS; the ones used travel with every result.
   */
  readonly assumptions?: CostAssumptions;
  /** Apply the AWS free tier to the month's cost; off by default (the honest upper figure). */
  readonly freeTier?: boolean;
}

export interface MonthReport {
  readonly summary: MonthSummary;
  readonly cost: CostBreakdown;
  readonly assumptions: CostAssumptions;
}

export interface MonthlyEmailOptions {
  readonly from: string;
  readonly to: readonly string[];
  /** Base of the link to the owner's summary page, e.g. https://recovery.shop.example */
  readonly publicUrl: string;
  readonly storeName?: string;
}

/** Audit slack either side: a holdout or write-off row of a month's cart may sit just outside it. */
const AUDIT_SLACK_MS = 14 * DAY;

export function createReports(deps: ReportDeps) {
  const { store, policy, clock } = deps;
  const prices = deps.prices ?? AWS_PRICES_US_EAST_1;
  const assumptions = deps.assumptions ?? DEFAULT_ASSUMPTIONS;
  const freeTier = deps.freeTier ?? false;

  async function monthSummary(month: string): Promise<MonthReport> {
    const zone = policy.storeTimeZone;
    const { from, to } = monthRange(month, zone);
    // A cart abandoned or recovered this month was last active at most the give-up age (plus the
    // recovery window, within a month) before it starts. Its activity may also have moved past
    // the month's end since (a cart seen on the 30th, bought on the 2nd), so read up to now.
    const cartsFrom = from - policy.giveUpAfterMs - 31 * DAY;
    const cartsTo = Math.max(to, clock.now() + 1);
    const carts = await collect(store.listByActivity(cartsFrom, cartsTo));
    const audit = await collect(store.auditBetween(from - AUDIT_SLACK_MS, to + AUDIT_SLACK_MS));
    const summary = summarizeMonth({
      month,
      zone,
      carts,
      audit,
      holdoutShare: policy.holdoutShare,
      yardstick: policy,
    });
    const usage = usageFromSummary(
      {
        cartsSeen: summary.cartsSeen,
        abandoned: summary.abandoned,
        remindersSent: summary.remindersSent.total,
        clicked: summary.clicked,
        recovered: summary.recovered,
      },
      assumptions,
    );
    return { summary, cost: costForMonth(usage, prices, { freeTier }), assumptions };
  }

  async function summaryJson(
    month: string,
  ): Promise<SummaryJson & { costAssumptions: CostAssumptions }> {
    const { summary, cost } = await monthSummary(month);
    return { ...summaryToJson(summary, cost), costAssumptions: { ...assumptions } };
  }

  /** One email per recipient: mailers take a single bare address. */
  async function monthlyEmails(month: string, opts: MonthlyEmailOptions): Promise<OutgoingEmail[]> {
    const report = await monthSummary(month);
    const at = clock.now();
    return opts.to.map((to, i) => monthlyEmail(report, { ...opts, to: [to] }, `${at}.${i}`));
  }

  /**
   * The month as an HTML fragment (headline, chart, table), every value escaped, for the owner
   * summary page: `summaryHtml: async (m) => new SafeHtml(await reports.summaryHtml(m))`.
   */
  async function summaryHtml(month: string): Promise<string> {
    return summaryFragment(await monthSummary(month));
  }

  return { monthSummary, summaryJson, summaryHtml, monthlyEmails };
}

export type Reports = ReturnType<typeof createReports>;

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

/** The owner summary page for a month, where the chart always shows. */
export function summaryPageUrl(publicUrl: string, month: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/owner/summary?month=${encodeURIComponent(month)}`;
}

/**
 * The monthly email: the table as text and as HTML, the chart inline. Many mail clients (Gmail,
 * Outlook) strip inline SVG, so the page link is there for everyone who sees no picture.
 */
export function monthlyEmail(
  report: MonthReport,
  opts: MonthlyEmailOptions,
  uniq: string,
): OutgoingEmail {
  const { summary, cost } = report;
  const to = opts.to[0];
  if (to === undefined || opts.to.length !== 1) {
    throw new RangeError('monthlyEmail writes to exactly one address');
  }
  const store = opts.storeName ?? 'Cart recovery';
  const link = summaryPageUrl(opts.publicUrl, summary.month);
  const table = formatSummaryTable(summary, cost);
  const headline = headlineOf(summary);
  const text = `${store}: ${headline}\n\n${table}\nChart and details: ${link}\n`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2937">',
    `<h1 style="font-size:18px">${escapeXml(store)}: cart recovery in ${escapeXml(summary.month)}</h1>`,
    `<p><a href="${escapeXml(link)}">See the chart and the details on your summary page</a> (if no chart shows below, your mail program hides it).</p>`,
    summaryFragment(report, `${store}, ${summary.month}`),
    '</body></html>',
  ].join('\n');
  const host = hostOf(opts.publicUrl);
  return {
    to,
    from: opts.from,
    subject: `${store}: cart recovery summary for ${summary.month}`,
    text,
    html,
    headers: {},
    messageId: `<cr.summary.${summary.month}.${uniq}@${host}>`,
  };
}

/** Headline, chart and table; shared by the email and the owner page. */
function summaryFragment(report: MonthReport, title?: string): string {
  const { summary, cost } = report;
  return [
    `<p>${escapeXml(headlineOf(summary))}</p>`,
    renderMonthChart(summary, title === undefined ? {} : { title }),
    `<pre style="font-size:13px">${escapeXml(formatSummaryTable(summary, cost))}</pre>`,
  ].join('\n');
}

function headlineOf(s: MonthSummary): string {
  const revenue = Object.entries(s.recoveredRevenue)
    .map(([cur, amount]) => `${amount} ${cur}`)
    .join(' + ');
  const rate = s.recoveryRate === null ? '' : ` (${(s.recoveryRate * 100).toFixed(1)}%)`;
  return `${s.abandoned} carts abandoned, ${s.recovered} recovered${rate}${revenue ? `, ${revenue} of revenue` : ''}.`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname || 'localhost';
  } catch {
    return 'localhost';
  }
}

/**
 * Mails a month's summary to each of `opts.to` (CR_REPORT_TO). Nobody to tell is not an error:
 * the summary is still on the owner page. Returns how many emails went out.
 */
export async function sendMonthlySummary(
  reports: Pick<Reports, 'monthlyEmails'>,
  mailer: Mailer,
  month: string,
  opts: MonthlyEmailOptions,
): Promise<number> {
  if (opts.to.length === 0) return 0;
  const emails = await reports.monthlyEmails(month, opts);
  for (const email of emails) await mailer.send(email);
  return emails.length;
}
