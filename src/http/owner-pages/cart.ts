/** One cart: its facts, its items, its timeline in words, and the stops that still make sense. */
import { AuditAction, type StoredAuditEntry } from '../../domain/audit.ts';
import { localDay } from '../../domain/calendar.ts';
import { type Cart, CartStatus } from '../../domain/cart.ts';
import { formatMoney } from '../../domain/money.ts';
import { describeEntry, storyRows, whenText } from '../../domain/story.ts';
import { html, type SafeHtml } from '../page.ts';
import { dayLabel, statusBadge } from './day.ts';
import { csrfField } from './layout.ts';

/** Flash messages are fixed texts picked by a code, so a crafted link cannot put words on the page. */
export const FLASH: Readonly<Record<string, { text: string; error?: boolean }>> = {
  suppressed: { text: 'Cart suppressed: it will get no more reminders.' },
  written_off: { text: 'Cart written off: it will get no more reminders.' },
  unsubscribed: { text: 'Address unsubscribed: no reminder will reach it again, for any cart.' },
  already_unsubscribed: { text: 'That address was already unsubscribed; nothing changed.' },
  already_final: { text: 'Nothing changed: the cart was already bought or closed.', error: true },
  reason_missing: { text: 'A write-off needs a reason (up to 500 characters).', error: true },
};

const MAIL: ReadonlySet<string> = new Set([AuditAction.reminderSent, AuditAction.clicked]);
const STOP: ReadonlySet<string> = new Set([
  AuditAction.suppress,
  AuditAction.writeOff,
  AuditAction.unsubscribe,
  AuditAction.bounced,
  AuditAction.complained,
]);
const GOOD: ReadonlySet<string> = new Set([AuditAction.checkout, AuditAction.resubscribe]);

function kindOf(action: string): string {
  if (MAIL.has(action)) return 'mail';
  if (STOP.has(action)) return 'stop';
  return GOOD.has(action) ? 'good' : '';
}

/** Only http(s) links from the store become links: a `javascript:` URL stays text. */
function safeLink(url: string | null): SafeHtml {
  if (url === null) return html`<span class="muted">–</span>`;
  return /^https?:\/\//i.test(url)
    ? html`<a href="${url}" rel="noreferrer noopener">${url}</a>`
    : html`${url}`;
}

export interface CartPage {
  readonly cart: Cart;
  readonly timeline: readonly StoredAuditEntry[];
  /** Why the address gets no mail (unsubscribed, bounced...), or null when it may. */
  readonly addressBlock: string | null;
  /** Every audit row of the cart's address (any cart), so a frequency cap names what it waited on. */
  readonly addressRows?: readonly StoredAuditEntry[];
  readonly flash: string | undefined;
  readonly csrf: string;
  readonly zone: string;
}

function facts({ cart, addressBlock, zone }: CartPage): SafeHtml {
  const when = (at: number | null) =>
    at === null ? html`<span class="muted">–</span>` : whenText(at, zone);
  return html`<dl class="facts">
    <dt>Email</dt><dd>${cart.email ?? html`<span class="muted">no email yet</span>`}${
      addressBlock === null ? '' : html` <span class="badge closed">${addressBlock}</span>`
    }</dd>
    <dt>Status</dt><dd>${badge(cart, addressBlock)}</dd>
    <dt>Total</dt><dd>${formatMoney(cart.totalMinor, cart.currency)}</dd>
    <dt>Reminders sent</dt><dd>${cart.remindersSent}</dd>
    <dt>Saved link</dt><dd>${cart.savedLink ? html`<span class="badge saved">saved link</span>` : 'no'}</dd>
    <dt>Last activity</dt><dd>${when(cart.lastActivityAt)}</dd>
    <dt>Recovered</dt><dd>${when(cart.recoveredAt)}</dd>
    ${retention(cart, when)}
    <dt>Cart link</dt><dd>${safeLink(cart.restoreUrl)}</dd>
  </dl>`;
}

/** An open cart's wake-up is its next reminder; a final cart's is when its data goes (CR_RETAIN_CARTS). */
function retention(cart: Cart, when: (at: number | null) => SafeHtml | string): SafeHtml {
  if (cart.tombstone !== undefined) {
    return html`<dt>Shopper data</dt><dd>removed ${when(cart.tombstone.at)}</dd>`;
  }
  if (cart.status === CartStatus.open)
    return html`<dt>Next wake-up</dt><dd>${when(cart.wakeAt)}</dd>`;
  return html`<dt>Shopper data kept until</dt><dd>${when(cart.wakeAt)}</dd>`;
}

function items(cart: Cart): SafeHtml {
  return html`<table class="lines"><tbody>${cart.items.map(
    (item) => html`<tr><td>${item.name} <span class="muted">× ${item.quantity}</span></td>
      <td class="num">${formatMoney(item.priceMinor * item.quantity, cart.currency)}</td></tr>`,
  )}<tr><td><strong>Total</strong></td><td class="num"><strong>${formatMoney(cart.totalMinor, cart.currency)}</strong></td></tr></tbody></table>`;
}

function actions({ cart, addressBlock, csrf }: CartPage): SafeHtml {
  const base = `/owner/carts/${encodeURIComponent(cart.id)}`;
  const open = cart.status === CartStatus.open;
  const canUnsubscribe = cart.email !== null && addressBlock === null;
  if (!open && !canUnsubscribe) {
    return html`<p class="muted">Nothing to stop: this cart is ${cart.status} and its address gets no reminders${
      cart.email === null ? ' (no email)' : ''
    }.</p>`;
  }
  return html`<div class="actions">
    ${
      open
        ? html`<details><summary>Suppress this cart…</summary>
      <p class="muted">No more reminders for this cart. The shopper's other carts are not touched.</p>
      <form method="post" action="${base}/suppress">${csrfField(csrf)}
        <button type="submit" class="danger">Yes, suppress ${cart.id}</button></form></details>
    <details><summary>Write off…</summary>
      <p class="muted">Close the cart for good (a test order, a duplicate, a fraud attempt); counted apart in the summary.</p>
      <form method="post" action="${base}/write-off">${csrfField(csrf)}
        <label>Reason <input type="text" name="reason" required maxlength="500" placeholder="e.g. test order"></label>
        <button type="submit" class="danger">Write off ${cart.id}</button></form></details>`
        : ''
    }
    ${
      canUnsubscribe
        ? html`<details><summary>Unsubscribe ${cart.email}…</summary>
      <p class="muted">No reminder will reach this address again, for any cart. Only the shopper can opt back in.</p>
      <form method="post" action="${base}/unsubscribe">${csrfField(csrf)}
        <button type="submit" class="danger">Yes, unsubscribe ${cart.email}</button></form></details>`
        : ''
    }
  </div>`;
}

/**
 * An open cart whose address gets no mail reads as what the owner needs to know: it will not be
 * reminded, whatever its status says.
 */
function badge(cart: Cart, addressBlock: string | null): SafeHtml {
  if (addressBlock === null || cart.status !== CartStatus.open) return statusBadge(cart);
  return html`<span class="badge closed" data-status="${addressBlock}">${addressBlock}</span>`;
}

function timelineList(page: CartPage): SafeHtml {
  const { cart, timeline, zone } = page;
  const story = { shopperZone: cart.timezone, addressRows: page.addressRows ?? [] };
  return html`<ol class="timeline">${storyRows(cart, timeline).map(
    (row) =>
      html`<li class="${kindOf(row.action)}" data-action="${row.action}">${describeEntry(row, zone, story)}</li>`,
  )}</ol>
    <p class="muted sub">Times are ${zone} (the store’s time)${
      cart.timezone !== null && cart.timezone !== zone
        ? html`; the shopper is in ${cart.timezone}`
        : ''
    }.</p>`;
}

export function cartBody(page: CartPage): SafeHtml {
  const { cart, flash, zone } = page;
  const day = localDay(cart.lastActivityAt, zone);
  const note = flash === undefined ? undefined : FLASH[flash];
  return html`<p><a href="/owner/carts?day=${day}">← Carts for ${dayLabel(day, false)}</a></p>
    <div class="head"><div class="title"><h1>Cart <span data-cart-id>${cart.id}</span></h1>${badge(cart, page.addressBlock)}</div></div>
    ${note === undefined ? '' : html`<p class="flash${note.error ? ' error' : ''}" role="status">${note.text}</p>`}
    <div class="grid">
      <section class="card"><h2>Details</h2>${facts(page)}</section>
      <section class="card"><h2>Items</h2>${items(cart)}</section>
    </div>
    <div class="grid">
      <section class="card"><h2>Timeline</h2>${timelineList(page)}</section>
      <section class="card"><h2>Stop reminders</h2>${actions(page)}</section>
    </div>`;
}

export function notFoundBody(id: string): SafeHtml {
  return html`<div class="card empty"><h1>No cart ${id}</h1>
    <p>There is no cart with this id. <a href="/owner/carts">Back to today's carts</a></p></div>`;
}
