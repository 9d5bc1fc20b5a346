/**
 * The shopper's own links, all signed: one-click unsubscribe (RFC 8058), the way back in, and the
 * click-through to the cart. A GET never changes anything (mail scanners follow links); a POST does.
 * A person opens these from an email, so a browser always lands on a page, never on JSON.
 */
import { type Context, Hono } from 'hono';
import type { Stops } from '../app/stops.ts';
import { AuditAction, SHOPPER } from '../domain/audit.ts';
import type { LinkPurpose, LinkSigner } from '../domain/link-tokens.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError, type Problem, pageErrors } from './errors.ts';
import { limitBody } from './events-route.ts';
import { html, shopperPage } from './page.ts';

export interface ShopperRoutesDeps {
  readonly links: LinkSigner;
  readonly stops: Stops;
  readonly store: CartStore;
  readonly clock: Clock;
  readonly storeName: string;
  /** CR_STORE_URL: where a link that can no longer restore sends the shopper; undefined: no link. */
  readonly storeUrl: string | undefined;
}

export function shopperRoutes(deps: ShopperRoutesDeps): Hono {
  const { links, stops, store, clock, storeName, storeUrl } = deps;
  const app = new Hono();

  const toStore = () =>
    storeUrl === undefined
      ? html``
      : html`<p><a class="button" href="${storeUrl}">Go to ${storeName}</a></p>`;

  /** A shopper's browser sees what went wrong in words, and the way on to the store. */
  function errorPage({ status, error }: Problem): string {
    if (status === 400) {
      return shopperPage(
        'Link not valid',
        html`<h1>This link is not valid</h1>
          <p>It may have been cut short or changed on the way. Open it again from the email, or copy the whole link.</p>
          ${toStore()}`,
        'invalid_link',
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
  app.onError(pageErrors(errorPage));

  /**
   * 404, not 200: the cart the link points at is gone, and a link checker or the owner's
   * monitoring should hear that; the shopper's browser shows the page either way.
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

  function verified<P extends LinkPurpose>(token: string | undefined, purpose: P) {
    const result = links.verify(token ?? '', purpose);
    if (!result.ok || result.payload.purpose !== purpose) {
      throw new HttpError(400, 'this link is not valid', [
        { path: 't', problem: result.ok ? 'wrong kind of link' : result.problem },
      ]);
    }
    return result.payload as Extract<typeof result.payload, { purpose: P }>;
  }

  app.get('/unsubscribe', (c) => {
    const token = c.req.query('t');
    const { email } = verified(token, 'unsubscribe');
    return c.html(
      shopperPage(
        'Unsubscribe',
        html`<h1>Stop reminder emails from ${storeName}?</h1>
          <p>We will not send cart reminders to <strong>${email}</strong> again.</p>
          <form method="post" action="/unsubscribe?t=${encodeURIComponent(token ?? '')}">
            <input type="hidden" name="List-Unsubscribe" value="One-Click">
            <button type="submit">Unsubscribe</button>
          </form>`,
        'confirm',
      ),
    );
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the List-Unsubscribe URL.
  app.post('/unsubscribe', limitBody(), async (c) => {
    const token = c.req.query('t');
    const payload = verified(token, 'unsubscribe');
    await stops.unsubscribe(payload.email, SHOPPER, payload.cartId);
    const back = links.sign({ purpose: 'resubscribe', email: payload.email });
    return c.html(
      shopperPage(
        'Unsubscribed',
        html`<h1>You are unsubscribed</h1>
          <p><strong>${payload.email}</strong> will get no more cart reminders from ${storeName}.</p>
          <form method="post" action="/resubscribe?t=${encodeURIComponent(back)}">
            <button class="secondary" type="submit">That was a mistake: subscribe me again</button>
          </form>`,
        'unsubscribed',
      ),
    );
  });

  app.get('/resubscribe', (c) => {
    const token = c.req.query('t');
    const { email } = verified(token, 'resubscribe');
    return c.html(
      shopperPage(
        'Subscribe again',
        html`<h1>Get cart reminders from ${storeName} again?</h1>
          <p>For <strong>${email}</strong>.</p>
          <form method="post" action="/resubscribe?t=${encodeURIComponent(token ?? '')}">
            <button type="submit">Subscribe again</button>
          </form>`,
        'confirm',
      ),
    );
  });

  app.post('/resubscribe', limitBody(), async (c) => {
    const { email } = verified(c.req.query('t'), 'resubscribe');
    const result = await stops.resubscribe(email);
    const message =
      result.kind === 'resubscribed'
        ? html`<h1>Welcome back</h1><p><strong>${email}</strong> can get cart reminders again.</p>`
        : html`<h1>Nothing to change</h1><p><strong>${email}</strong> was not unsubscribed by its owner, so there is nothing to undo here.</p>`;
    return c.html(shopperPage('Subscribe again', message, result.kind));
  });

  // The click-through: counted once per cart for the summary, then straight on to the cart.
  app.get('/c', async (c) => {
    const { cartId, step } = verified(c.req.query('t'), 'click');
    const cart = await store.get(cartId);
    // Gone (retention removed it): nothing to count the click against.
    if (cart === null) return cartGone(c);
    const now = clock.now();
    if (cart.clickedAt === null) {
      const after = { ...cart, clickedAt: now };
      // A lost race here only loses the first-click time; the audit row below still counts it.
      await store.save({ cart: after, expectedVersion: cart.version, audit: [] });
    }
    await store.appendAudit([
      {
        cartId,
        email: cart.email,
        action: AuditAction.clicked,
        actor: SHOPPER,
        at: now,
        reason: null,
        // Still a click when the cart has no link left: the reminder brought the shopper back,
        // which is what the owner's "clicked" count measures; `restored` says where they landed.
        detail: cart.restoreUrl === null ? { step, restored: false } : { step },
        before: null,
        after: null,
      },
    ]);
    if (cart.restoreUrl === null) return cartGone(c);
    return c.redirect(cart.restoreUrl, 302);
  });

  return app;
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
