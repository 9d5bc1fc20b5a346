/** Search results: carts of any day matching an address, a cart id or part of an item name. */
import type { Cart } from '../../domain/cart.ts';
import type { CartSearchPage } from '../../ports/cart-store.ts';
import { html, type SafeHtml } from '../page.ts';
import { cartsTable, type PageLinks, pager } from './day.ts';
import { csrfField } from './layout.ts';

export interface SearchView {
  readonly q: string;
  /** null before anything was asked. */
  readonly result: CartSearchPage | null;
  readonly links: PageLinks;
  /** The normalised address when `q` is one: its page is offered even with no cart. */
  readonly address: string | null;
  readonly csrf: string;
  readonly zone: string;
}

/** A POST form, so the address never rides in a URL (logs, history, a shared link). */
export function addressButton(email: string, csrf: string, label: string): SafeHtml {
  return html`<form method="post" action="/owner/address" class="inline">${csrfField(csrf)}
      <input type="hidden" name="email" value="${email}">
      <button type="submit" class="ghost">${label}</button></form>`;
}

function resultText(rows: readonly Cart[], result: CartSearchPage, q: string): string {
  if (rows.length === 0) return `No cart matches “${q}”.`;
  const more = result.hasNext || result.hasPrevious ? ', newest first, 100 a page' : '';
  return `${rows.length} cart${rows.length === 1 ? '' : 's'} on this page match “${q}”${more}.`;
}

export function searchBody(view: SearchView): SafeHtml {
  const { q, result, links, address, csrf, zone } = view;
  return html`<div class="head"><div><h1>Search carts</h1>
      <p class="muted sub">By email address, cart id or part of an item name, on any day</p></div></div>
    <form method="get" action="/owner/search" class="card searchform" role="search">
      <label for="search-q">Email, cart id or item</label>
      <div class="row"><input type="search" id="search-q" name="q" value="${q}" required maxlength="254">
      <button type="submit">Search</button></div>
    </form>
    ${result === null ? '' : results(result, q, links, address, csrf, zone)}`;
}

function results(
  result: CartSearchPage,
  q: string,
  links: PageLinks,
  address: string | null,
  csrf: string,
  zone: string,
): SafeHtml {
  return html`${
    address === null
      ? ''
      : html`<div class="card addressline"><span>The address <strong>${address}</strong>: its state and the unsubscribe button are on its page.</span>
        ${addressButton(address, csrf, 'Open address page')}</div>`
  }
    <p class="muted" role="status">${resultText(result.rows, result, q)}</p>
    ${result.notSearched.map((n) => html`<p class="muted note">Not searched: ${n.reason}.</p>`)}
    ${
      result.rows.length === 0
        ? ''
        : html`${cartsTable(result.rows, null, zone)}${pager(links, 'Pages of results')}`
    }`;
}
