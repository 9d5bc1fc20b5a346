/**
 * One address: whether reminders may reach it (the never-send list's word: unsubscribed by whom
 * and when, bounced, complained), its carts, and the owner's unsubscribe button, which works for
 * an address with no cart on screen as well.
 */
import { SHOPPER } from '../../domain/audit.ts';
import type { Cart } from '../../domain/cart.ts';
import { whenText } from '../../domain/story.ts';
import { type AddressBlock, BlockKind } from '../../ports/unsubscribe-list.ts';
import { html, type SafeHtml } from '../page.ts';
import { cartsTable } from './day.ts';
import { csrfField } from './layout.ts';

export const ADDRESS_FLASH = {
  unsubscribed: 'Address unsubscribed: no reminder will reach it again, for any cart.',
  already: 'That address was already on the never-send list; nothing changed.',
} as const;
export type AddressFlash = keyof typeof ADDRESS_FLASH;

export interface AddressView {
  readonly email: string;
  readonly block: AddressBlock | null;
  /** Its newest carts (one page); `more` when older ones exist. */
  readonly carts: readonly Cart[];
  readonly more: boolean;
  readonly flash: AddressFlash | null;
  readonly csrf: string;
  readonly zone: string;
}

/** The address's state as a sentence, and the badge beside its name. */
export function blockWords(
  block: AddressBlock | null,
  zone: string,
): { badge: string; text: string } {
  if (block === null) {
    return { badge: 'subscribed', text: 'Subscribed: reminders may reach this address.' };
  }
  const when = whenText(block.at, zone);
  switch (block.kind) {
    case BlockKind.unsubscribed:
      return {
        badge: 'unsubscribed',
        text:
          block.actor === SHOPPER
            ? `Unsubscribed by the shopper, through the link in a reminder, ${when}.`
            : `Unsubscribed by ${block.actor} ${when}. Only the store can undo this.`,
      };
    case BlockKind.bounced:
      return {
        badge: 'bounced',
        text: `Bounced ${when}: the receiving mail server refused it for good, so no reminder is sent.`,
      };
    case BlockKind.complained:
      return {
        badge: 'complained',
        text: `Complained ${when}: the shopper marked a reminder as spam, so no reminder is sent.`,
      };
    default:
      return unknownKind(block.kind);
  }
}

function unknownKind(kind: never): never {
  throw new Error(`unknown block kind ${String(kind)}`);
}

function unsubscribeForm(email: string, csrf: string): SafeHtml {
  return html`<details><summary>Unsubscribe ${email}…</summary>
      <p class="muted">No reminder will reach this address again, for any cart, now or later. Only the shopper can opt back in.</p>
      <form method="post" action="/owner/address/unsubscribe">${csrfField(csrf)}
        <input type="hidden" name="email" value="${email}">
        <button type="submit" class="danger">Yes, unsubscribe ${email}</button></form></details>`;
}

export function addressBody(view: AddressView): SafeHtml {
  const { email, block, carts, more, flash, csrf, zone } = view;
  const words = blockWords(block, zone);
  return html`<p><a href="/owner/search">← Search</a></p>
    <div class="head"><div class="title"><h1>Address <span class="addr">${email}</span></h1>
      <span class="badge ${block === null ? 'open' : 'closed'}" data-state="${words.badge}">${words.badge}</span></div></div>
    ${flash === null ? '' : html`<p class="flash" role="status">${ADDRESS_FLASH[flash]}</p>`}
    <div class="grid">
      <section class="card"><h2>Reminders to this address</h2><p data-address-state>${words.text}</p></section>
      <section class="card"><h2>Stop reminders</h2>${
        block === null
          ? html`<div class="actions">${unsubscribeForm(email, csrf)}</div>`
          : html`<p class="muted">Nothing to stop: no reminder reaches this address.</p>`
      }</section>
    </div>
    <h2 class="section">Carts of this address</h2>
    ${
      carts.length === 0
        ? html`<div class="card empty">No cart carries this address.</div>`
        : html`${cartsTable(carts, null, zone)}${
            more ? html`<p class="muted">The newest ${carts.length} are shown.</p>` : ''
          }`
    }`;
}
