/**
 * What a person's browser gets where an API client gets JSON: the front door (`GET /`) pointing
 * to the owner pages, and a 404 page in words. The choice is the Accept header's (prefersHtml),
 * so scripts, curl and the existing API clients keep the JSON they parse.
 */
import type { Context } from 'hono';
import { prefersHtml } from './errors.ts';
import { ownerPage } from './owner-pages/layout.ts';
import { html, PAGE_HEADERS, shopperPage } from './page.ts';

function withHeaders(c: Context): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value);
}

export function frontDoor(c: Context): Response {
  if (!prefersHtml(c))
    return c.json({ service: 'cart-recovery', ownerPages: '/owner', health: '/health' });
  withHeaders(c);
  return c.html(
    ownerPage({
      title: 'Cart recovery',
      body: html`<section class="card signin"><h1>Cart recovery is running</h1>
        <p class="muted">This service reminds shoppers about the carts they left behind. The store’s owners read the carts, the monthly summary and the sending health on the owner pages.</p>
        <p><a class="btn" href="/owner">Go to the owner pages</a></p></section>`,
    }),
  );
}

/** Owner paths get the owner pages' look and a way back in; every other path the shopper's. */
export function notFound(c: Context): Response {
  const { method, path } = c.req;
  if (!prefersHtml(c)) return c.json({ error: `no route ${method} ${path}`, details: [] }, 404);
  withHeaders(c);
  if (path === '/owner' || path.startsWith('/owner/')) {
    return c.html(
      ownerPage({
        title: 'Page not found',
        body: html`<div class="card empty"><h1>There is no owner page at ${path}</h1>
          <p>The link may be old or mistyped. <a href="/owner/carts">Go to today’s carts</a> or <a href="/owner/summary">the summary</a>.</p></div>`,
      }),
      404,
    );
  }
  return c.html(
    shopperPage(
      'Page not found',
      html`<h1>This page does not exist</h1>
        <p>The link may have been cut short or mistyped. If it came from an email, open it again from there, or copy the whole link.</p>`,
      'not_found',
    ),
    404,
  );
}
