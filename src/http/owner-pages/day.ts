/** The day's carts: counts, a status filter, a day picker and one row (or phone card) per cart. */
import { localDay } from '../../domain/calendar.ts';
import { type Cart, CartStatus } from '../../domain/cart.ts';
import { formatMoney } from '../../domain/money.ts';
import { localParts } from '../../domain/zoned-time.ts';
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

function counts(carts: readonly Cart[]) {
  const of = (status: CartStatus) => carts.filter((c) => c.status === status).length;
  return {
    all: carts.length,
    open: of(CartStatus.open),
    bought: of(CartStatus.bought),
    closed: of(CartStatus.closed),
    recovered: carts.filter((c) => c.recoveredAt !== null).length,
  };
}

const dayHref = (day: string, status: StatusFilter) =>
  `/owner/carts?day=${encodeURIComponent(day)}&status=${encodeURIComponent(status)}`;

function recovered(cart: Cart, day: string, zone: string): SafeHtml {
  if (cart.recoveredAt === null)
    return html`<td class="none" data-label="Recovered"><span class="muted">–</span></td>`;
  const sameDay = localDay(cart.recoveredAt, zone) === day;
  const when = sameDay ? clockTime(cart.recoveredAt, zone) : shortWhen(cart.recoveredAt, zone);
  return html`<td data-label="Recovered"><span class="badge recovered">✓ ${when}</span></td>`;
}

function row(cart: Cart, day: string, zone: string): SafeHtml {
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
    <td class="num" data-label="Last activity">${clockTime(cart.lastActivityAt, zone)}</td>
    ${recovered(cart, day, zone)}
  </tr>`;
}

export interface DayView {
  readonly day: string;
  readonly today: string;
  readonly status: StatusFilter;
  readonly zone: string;
  readonly carts: readonly Cart[];
}

export function dayBody({ day, today, status, zone, carts }: DayView): SafeHtml {
  const n = counts(carts);
  const shown = status === StatusFilter.all ? carts : carts.filter((c) => c.status === status);
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
        : html`<div class="table-wrap"><table class="carts">
      <thead><tr><th>Cart</th><th>Email</th><th>Items</th><th class="num">Total</th><th>Status</th>
        <th class="num">Reminders</th><th class="num">Last activity</th><th>Recovered</th></tr></thead>
      <tbody>${shown.map((cart) => row(cart, day, zone))}</tbody>
    </table></div>`
    }`;
}
