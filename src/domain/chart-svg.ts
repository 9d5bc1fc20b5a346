/**
 * The month as a picture: a self-contained SVG rendered on the server (no browser, no chart
 * library), for the owner page and the summary email. Daily abandoned and recovered carts are
 * bars on the left axis; recovered revenue in one currency is a line on the right axis.
 */
import { currencyExponent } from './money.ts';
import { type MonthSummary, mainCurrency } from './summary.ts';

export interface ChartOptions {
  /** Defaults to "Cart recovery, November 2026". Escaped, so a store name is safe here. */
  readonly title?: string;
  /** Currency of the revenue line; defaults to the month's main currency. */
  readonly currency?: string;
  readonly width?: number;
  readonly height?: number;
}

type ChartSummary = Pick<MonthSummary, 'month' | 'daily' | 'abandoned' | 'recovered'>;

const COLOURS = {
  abandoned: '#94a3b8',
  recovered: '#16a34a',
  revenue: '#d97706',
  text: '#1f2937',
  muted: '#6b7280',
  grid: '#e5e7eb',
} as const;

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Coordinates never print as NaN: a bad number becomes 0 rather than a broken drawing. */
const n = (x: number): string => (Number.isFinite(x) ? String(Math.round(x * 10) / 10) : '0');

/** An axis maximum and step from 1, 2 or 5 times a power of ten, about `ticks` steps high. */
export function niceScale(max: number, ticks = 4, integer = false): { max: number; step: number } {
  if (!(max > 0) || !Number.isFinite(max)) return { max: ticks, step: 1 };
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const safeStep = integer ? Math.max(1, Math.ceil(step)) : step;
  return { max: Math.ceil(max / safeStep) * safeStep, step: safeStep };
}

function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1));
  return new Intl.DateTimeFormat('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}

function moneyLabel(major: number, currency: string, compact: boolean): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    ...(compact ? { notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 } : {}),
  }).format(major);
}

interface Frame {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

function text(x: number, y: number, body: string, attrs = ''): string {
  return `<text x="${n(x)}" y="${n(y)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(body)}</text>`;
}

function leftAxis(f: Frame, scale: { max: number; step: number }): string[] {
  const out: string[] = [];
  for (let v = 0; v <= scale.max; v += scale.step) {
    const y = f.bottom - (v / scale.max) * (f.bottom - f.top);
    out.push(`<line class="grid" x1="${n(f.left)}" x2="${n(f.right)}" y1="${n(y)}" y2="${n(y)}"/>`);
    out.push(text(f.left - 6, y + 4, String(v), 'text-anchor="end"'));
  }
  out.push(
    text(
      14,
      (f.top + f.bottom) / 2,
      'Carts',
      `transform="rotate(-90 14 ${n((f.top + f.bottom) / 2)})" text-anchor="middle"`,
    ),
  );
  return out;
}

function rightAxis(f: Frame, scale: { max: number; step: number }, currency: string): string[] {
  const out: string[] = [];
  for (let i = 0; i * scale.step <= scale.max + 1e-9; i++) {
    const v = i * scale.step;
    const y = f.bottom - (v / scale.max) * (f.bottom - f.top);
    out.push(text(f.right + 6, y + 4, moneyLabel(v, currency, true), 'class="revenue-tick"'));
  }
  return out;
}

function legend(
  x: number,
  y: number,
  withLine: boolean,
  currency: string | null,
  narrow = false,
): string[] {
  const items: [string, string][] = [
    [
      `<rect x="${x}" y="${y - 9}" width="12" height="10" fill="${COLOURS.abandoned}"/>`,
      'Abandoned',
    ],
    [
      `<rect x="${x + 100}" y="${y - 9}" width="12" height="10" fill="${COLOURS.recovered}"/>`,
      'Recovered',
    ],
  ];
  const out = items.map(([mark, label], i) => mark + text(x + i * 100 + 17, y, label));
  if (withLine && currency) {
    // A phone-width chart has no room for the third item beside the others: it goes below.
    const [lx, ly] = narrow ? [x, y + 16] : [x + 200, y];
    out.push(
      `<line x1="${lx}" x2="${lx + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${COLOURS.revenue}" stroke-width="2.5"/>`,
      text(lx + 19, ly, `Recovered revenue (${currency})`),
    );
  }
  return out;
}

function describe(s: ChartSummary, currency: string | null, revenueMinor: number): string {
  const money = currency
    ? `, ${moneyLabel(revenueMinor / 10 ** currencyExponent(currency), currency, false)} recovered`
    : '';
  return `${s.abandoned} carts abandoned, ${s.recovered} recovered${money}`;
}

export function renderMonthChart(summary: ChartSummary, opts: ChartOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 320;
  const narrow = width < 480;
  const f: Frame = { left: 52, right: width - 64, top: narrow ? 86 : 70, bottom: height - 36 };
  const days = summary.daily;
  const currency = opts.currency ?? mainCurrency(summary);
  const divisor = currency ? 10 ** currencyExponent(currency) : 1;
  const revenue = days.map((d) => (currency ? (d.recoveredRevenueMinor[currency] ?? 0) : 0));
  const revenueTotal = revenue.reduce((a, b) => a + b, 0);
  const counts = scaleFor(days);
  const money = niceScale(Math.max(0, ...revenue) / divisor, 4);
  const empty = days.every((d) => d.abandoned === 0 && d.recovered === 0);
  const title = opts.title ?? `Cart recovery, ${monthLabel(summary.month)}`;
  const label = empty
    ? `${title}: no data yet`
    : `${title}: ${describe(summary, currency, revenueTotal)}`;
  const slot = (f.right - f.left) / Math.max(1, days.length);
  const barW = Math.max(1, slot * 0.36);
  const yOf = (v: number, max: number) => f.bottom - (v / max) * (f.bottom - f.top);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(label)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<desc>${escapeXml(label)}</desc>`,
    `<style>text{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:11px;fill:${COLOURS.text}}.grid{stroke:${COLOURS.grid};stroke-width:1}.revenue-tick{fill:${COLOURS.revenue}}</style>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    text(f.left, 24, title, 'font-size="16" font-weight="600"'),
    ...legend(f.left, 50, revenueTotal > 0, currency, narrow),
    ...leftAxis(f, counts),
  ];
  if (revenueTotal > 0 && currency) parts.push(...rightAxis(f, money, currency));
  days.forEach((d, i) => {
    const x = f.left + i * slot + slot / 2;
    const dayNo = i + 1;
    const bar = (cls: string, value: number, dx: number, colour: string) => {
      const y = yOf(value, counts.max);
      return `<rect class="bar ${cls}" x="${n(x + dx)}" y="${n(y)}" width="${n(barW)}" height="${n(f.bottom - y)}" fill="${colour}"><title>${escapeXml(`${d.date}: ${value} ${cls}`)}</title></rect>`;
    };
    parts.push(bar('abandoned', d.abandoned, -barW, COLOURS.abandoned));
    parts.push(bar('recovered', d.recovered, 0, COLOURS.recovered));
    if (dayNo === 1 || dayNo % 5 === 0)
      parts.push(text(x, f.bottom + 16, String(dayNo), 'text-anchor="middle"'));
  });
  parts.push(
    `<line x1="${n(f.left)}" x2="${n(f.right)}" y1="${n(f.bottom)}" y2="${n(f.bottom)}" stroke="${COLOURS.muted}"/>`,
  );
  if (revenueTotal > 0) {
    const points = revenue.map(
      (v, i) => `${n(f.left + i * slot + slot / 2)},${n(yOf(v / divisor, money.max))}`,
    );
    parts.push(
      `<polyline class="revenue" points="${points.join(' ')}" fill="none" stroke="${COLOURS.revenue}" stroke-width="2.5" stroke-linejoin="round"/>`,
    );
  }
  parts.push(
    text(
      (f.left + f.right) / 2,
      height - 6,
      'Day of month',
      `text-anchor="middle" fill="${COLOURS.muted}"`,
    ),
  );
  if (empty) {
    parts.push(
      text(
        (f.left + f.right) / 2,
        (f.top + f.bottom) / 2,
        'No data yet',
        `text-anchor="middle" font-size="16" fill="${COLOURS.muted}"`,
      ),
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function scaleFor(days: ChartSummary['daily']): { max: number; step: number } {
  const top = Math.max(0, ...days.map((d) => Math.max(d.abandoned, d.recovered)));
  return niceScale(top, 4, true);
}
