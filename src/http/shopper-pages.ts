/**
 * The shopper's pages that are not an answer to a link's action: what went wrong (a bad link, too
 * many tries, a fault) and a cart that is gone, each with the way on to the store.
 */
import type { Context } from 'hono';
import type { Problem } from './errors.ts';
import { html, shopperPage } from './page.ts';

export function shopperPages(storeName: string, storeUrl: string | undefined) {
  const toStore = () =>
    storeUrl === undefined
      ? html``
      : html`<p><a class="button" href="${storeUrl}">Go to ${storeName}</a></p>`;

  /** A shopper's browser sees what went wrong in words, and the way on to the store. */
  function errorPage({ status, error, headers }: Problem): string {
    if (status === 400) {
      return shopperPage(
        'Link not valid',
        html`<h1>This link is not valid</h1>
          <p>It may have been cut short or changed on the way. Open it again from the email, or copy the whole link.</p>
          ${toStore()}`,
        'invalid_link',
      );
    }
    if (status === 429) {
      return shopperPage(
        'Too many tries',
        html`<h1>Too many tries</h1>
          <p>Nothing was changed. Please try again in ${inWords(Number(headers?.['Retry-After']))}.</p>
          ${toStore()}`,
        'too_many',
      );
    }
    const fault = status >= 500;
    return shopperPage(
      fault ? 'Something went wrong' : 'Please try again',
      html`<h1>${fault ? 'Something went wrong' : sentence(error)}</h1>
        <p>Nothing was changed. Please try again in a moment.</p>
        ${toStore()}`,
      'error',
    );
  }

  /**
   * 404, not 200: the cart the link points at is gone (or this link can no longer lead to it),
   * and a link checker or the owner's monitoring should hear that; the browser shows the page.
   */
  function cartGone(c: Context): Response {
    return c.html(
      shopperPage(
        'Cart no longer available',
        html`<h1>This cart is no longer available</h1>
          <p>It may have expired or been emptied since the email was sent.</p>
          ${toStore()}`,
        'cart_gone',
      ),
      404,
    );
  }

  return { errorPage, cartGone, toStore };
}

/** A Retry-After in words a shopper reads: seconds, or minutes from two minutes on. */
function inWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return 'a moment';
  if (seconds < 120) return `${seconds} seconds`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
