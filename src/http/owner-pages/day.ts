/**
 * The day's carts: counts, a status filter, a day picker and one row (or phone card) per cart,
 * at most 100 a page (the store's keyset pages, newest first) with links to the pages around.
 */
import { localDay } from '../../domain/calendar.ts';
import { type Cart, CartStatus } from '../../domain/cart.ts';
import { formatMoney } from '../../domain/money.ts';
import { localParts } from '../../domain/zoned-time.ts';
import type { DayCounts } from '../../ports/cart-store.ts';
import { html, type SafeHtml } from '../page.ts';

export const StatusFilter = { all: 'all', ...CartStatus } as const;
export type StatusFilter = (typeof StatusFilter)[keyof typeof StatusFilter];

export function isStatusFilter(text: string): text is StatusFilter {
  return Object.values(StatusFilter).includes(text as StatusFilter);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const two = (n: number) => String(n).padStart(2, '0');

/** A calendar day moved by whole days; days are zone-free labels, so UTC arithmetic is exact. */
export function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** "Monday 23 Nov 2026" */
export function dayLabel(day: string, withWeekday = true): string {
  const date = new Date(`${day}T00:00:00Z`);
  const text = `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()] ?? ''} ${date.getUTCFullYear()}`;
  return withWeekday ? `${WEEKDAYS[date.getUTCDay()] ?? ''} ${text}` : text;
}

/** "22 Nov" */
function shortDay(day: string): string {
  return dayLabel(day, false).slice(0, -5);
}

export function clockTime(at: number, zone: string): string {
  const p = localParts(at, zone);
  return `${two(p.hour)}:${two(p.minute)}`;
}

/** "24 Nov 09:10" */
export function shortWhen(at: number, zone: string): string {
  const p = localParts(at, zone);
  return `${p.day} ${MONTHS[p.month - 1] ?? ''} ${two(p.hour)}:${two(p.minute)}`;
}

export function itemsSummary(cart: Pick<Cart, 'items'>, shown = 2): string {
  const names = cart.items
    .slice(0, shown)
    .map((i) => (i.quantity > 1 ? `${i.name} ×${i.quantity}` : i.name));
  const more = cart.items.length - shown;
  if (names.length === 0) return 'no items';
  return more > 0 ? `${names.join(', ')} +${more} more` : names.join(', ');
}

const REASON_TEXT: Record<string, string> = {
  suppressed: 'suppressed',
  written_off: 'written off',
  expired: 'expired',
};

export function statusBadge(cart: Pick<Cart, 'status' | 'closedReason'>): SafeHtml {
  const reason =
    cart.closedReason === null ? null : (REASON_TEXT[cart.closedReason] ?? cart.closedReason);
  return html`<span class="status"><span class="badge ${cart.status}">${cart.status}</span>${
    reason === null ? '' : html`<span class="reason">${reason}</span>`
  }</span>`;
}

const dayHref = (day: string, status: StatusFilter) =>
  `/owner/carts?day=${encodeURIComponent(day)}&status=${encodeURIComponent(status)}`;

/** `day` is the page's day (times on it show as a clock time), null on a page of any day. */
function recovered(cart: Cart, day: string | null, zone: string): SafeHtml {
  if (cart.recoveredAt === null)
    return html`<td class="none" data-label="Recovered"><span class="muted">–</span></td>`;
  const sameDay = day !== null && localDay(cart.recoveredAt, zone) === day;
  const when = sameDay ? clockTime(cart.recoveredAt, zone) : shortWhen(cart.recoveredAt, zone);
  return html`<td data-label="Recovered"><span class="badge recovered">✓ ${when}</span></td>`;
}

function row(cart: Cart, day: string | null, zone: string): SafeHtml {
  const active =
    day === null ? shortWhen(cart.lastActivityAt, zone) : clockTime(cart.lastActivityAt, zone);
  return html`<tr>
    <td class="id" data-label="Cart"><span><a href="/owner/carts/${encodeURIComponent(cart.id)}">${cart.id}</a>${
      cart.savedLink
        ? html` <span class="badge saved" title="came from a saved link">saved link</span>`
        : ''
    }</span></td>
    <td class="email" data-label="Email">${cart.email ?? html`<span class="muted">no email yet</span>`}</td>
    <td class="items" data-label="Items">${itemsSummary(cart)}</td>
    <td class="num" data-label="Total">${formatMoney(cart.totalMinor, cart.currency)}</td>
    <td data-label="Status">${statusBadge(cart)}</td>
    <td class="num" data-label="Reminders">${cart.remindersSent}</td>
    <td class="num" data-label="Last activity">${active}</td>
    ${recovered(cart, day, zone)}
  </tr>`;
}

/** The carts table (phone cards under 640 px); `day` as for recovered(). */
export function cartsTable(carts: readonly Cart[], day: string | null, zone: string): SafeHtml {
  return html`<div class="table-wrap"><table class="carts">
      <thead><tr><th>Cart</th><th>Email</th><th>Items</th><th class="num">Total</th><th>Status</th>
        <th class="num">Reminders</th><th class="num">Last activity</th><th>Recovered</th></tr></thead>
      <tbody>${carts.map((cart) => row(cart, day, zone))}</tbody>
    </table></div>`;
}

/** Links to the newer and older pages (hrefs, null where there is none). */
export interface PageLinks {
  readonly previous: string | null;
  readonly next: string | null;
}

export function pager(links: PageLinks, label: string): SafeHtml {
  if (links.previous === null && links.next === null) return html``;
  const link = (href: string | null, rel: string, text: string) =>
    href === null
      ? html`<span class="btn ghost disabled" aria-disabled="true">${text}</span>`
      : html`<a class="btn ghost" href="${href}" rel="${rel}">${text}</a>`;
  return html`<nav class="pager" aria-label="${label}">
      ${link(links.previous, 'prev', '← Newer')} ${link(links.next, 'next', 'Older →')}
    </nav>`;
}

export interface DayView {
  readonly day: string;
  readonly today: string;
  readonly status: StatusFilter;
  readonly zone: string;
  /** One page of the day's carts of `status`, newest first. */
  readonly carts: readonly Cart[];
  readonly counts: DayCounts;
  readonly links: PageLinks;
}

export function dayBody({ day, today, status, zone, carts, counts: n, links }: DayView): SafeHtml {
  const shown = carts;
  const filter = (value: StatusFilter, label: string, count: number) =>
    html`<a href="${dayHref(day, value)}" ${status === value ? html`aria-current="page"` : ''}>${label} (${count})</a>`;
  const prev = shiftDay(day, -1);
  const next = shiftDay(day, 1);
  return html`<div class="head">
      <div><h1>Carts for ${dayLabel(day)}</h1>
        <p class="muted sub">Last shopper activity on this day, ${zone} time</p></div>
      <div class="daypick">
        <a class="btn ghost" href="${dayHref(prev, status)}" rel="prev">← ${shortDay(prev)}</a>
        <form method="get" action="/owner/carts">
          <input type="date" name="day" value="${day}" aria-label="Day">
          <input type="hidden" name="status" value="${status}">
          <button class="ghost" type="submit">Go</button>
        </form>
        ${day < today ? html`<a class="btn ghost" href="${dayHref(next, status)}" rel="next">${shortDay(next)} →</a>` : ''}
      </div>
    </div>
    <ul class="stats" aria-label="Counts">
      <li data-count="line"><strong>${n.all}</strong> carts · ${n.open} open · ${n.bought} bought · ${n.closed} closed</li>
      <li><strong>${n.recovered}</strong> recovered</li>
    </ul>
    <nav class="filters" aria-label="Status">
      ${filter(StatusFilter.all, 'All', n.all)} ${filter(StatusFilter.open, 'Open', n.open)}
      ${filter(StatusFilter.bought, 'Bought', n.bought)} ${filter(StatusFilter.closed, 'Closed', n.closed)}
    </nav>
    ${
      shown.length === 0
        ? html`<div class="card empty">No ${status === 'all' ? '' : `${status} `}carts on this day.</div>`
        : html`${pager(links, 'Pages of this day')}${cartsTable(shown, day, zone)}${pager(links, 'Pages of this day, below the list')}`
    }`;
}
