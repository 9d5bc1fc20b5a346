/**
 * POST /webhooks/shopify: Shopify's own checkouts/create, checkouts/update and orders/create,
 * verified by X-Shopify-Hmac-Sha256 over the raw body and mapped onto the same cart events as
 * POST /events. Without CR_SHOPIFY_SECRET the route does not exist (404).
 */
import { Hono } from 'hono';
import type { Ingest } from '../app/intake.ts';
import type { CartEvent } from '../domain/events.ts';
import { mapShopifyWebhook } from '../domain/shopify.ts';
import { verifyShopifyHmac } from '../domain/shopify-signature.ts';
import { linksOffHosts } from '../domain/store-hosts.ts';
import { EventLane } from '../ports/metrics.ts';
import { HttpError } from './errors.ts';
import { type EventObservers, observeEvents } from './event-outcomes.ts';
import { readLimitedBody } from './events-route.ts';
import { parseShopifyBody } from './shopify-json.ts';

/**
 * Shopify sends whole orders (addresses, tax and shipping lines, fulfilments): a real one with many
 * lines passes 64 KiB, and a refused webhook is retried for hours and then lost. This route alone
 * takes up to 512 KiB.
 */
export const MAX_SHOPIFY_BODY_BYTES = 512 * 1024;

export interface ShopifyRouteDeps extends EventObservers {
  readonly ingest: Ingest;
  readonly shopifySecret: string | undefined;
  /** CR_STORE_HOSTS, as on POST /events: empty allows any http(s) link. */
  readonly storeHosts?: readonly string[];
}

/** The event with every link that is off the store's hosts taken out (all kept when none listed). */
function onStoreOnly(event: CartEvent, storeHosts: readonly string[]): CartEvent {
  if (storeHosts.length === 0) return event;
  const off = new Set(linksOffHosts(event.cart, storeHosts).map((p) => p.path));
  if (off.size === 0) return event;
  console.warn(`[shopify] dropped links off CR_STORE_HOSTS: ${[...off].join(', ')}`);
  const cart = event.cart;
  return {
    ...event,
    cart: {
      ...cart,
      restoreUrl: off.has('cart.restoreUrl') ? null : cart.restoreUrl,
      items: cart.items.map((item, i) => ({
        ...item,
        url: off.has(`cart.items[${i}].url`) ? null : item.url,
        imageUrl: off.has(`cart.items[${i}].imageUrl`) ? null : item.imageUrl,
      })),
    },
  };
}

export function shopifyRoute(deps: ShopifyRouteDeps): Hono {
  const { ingest, shopifySecret, storeHosts = [] } = deps;
  const observe = observeEvents(EventLane.shopify, deps);
  const app = new Hono();
  app.post('/webhooks/shopify', async (c) => {
    const seen = { cartId: null as string | null };
    try {
      const answer = await webhook(c.req.raw, c.req.header.bind(c.req), seen);
      if (answer.stored) observe.accepted();
      return c.json(answer.body);
    } catch (error) {
      observe.rejected(error, seen.cartId);
      throw error;
    }
  });

  async function webhook(
    request: Request,
    header: (name: string) => string | undefined,
    seen: { cartId: string | null },
  ) {
    if (shopifySecret === undefined) {
      throw new HttpError(404, 'Shopify webhooks are not enabled (set CR_SHOPIFY_SECRET)');
    }
    const raw = await readLimitedBody(request, MAX_SHOPIFY_BODY_BYTES);
    if (!verifyShopifyHmac(raw, header('x-shopify-hmac-sha256'), shopifySecret)) {
      throw new HttpError(401, 'unauthorized', [
        { path: '(headers).x-shopify-hmac-sha256', problem: 'missing or does not match the body' },
      ]);
    }
    const mapped = mapShopifyWebhook({
      topic: header('x-shopify-topic'),
      eventId: header('x-shopify-event-id') ?? header('x-shopify-webhook-id'),
      triggeredAt: header('x-shopify-triggered-at'),
      // Not JSON.parse: Shopify's 64-bit ids would lose digits (see shopify-json.ts).
      body: parseShopifyBody(raw, header('content-type')),
    });
    switch (mapped.kind) {
      case 'invalid':
        throw new HttpError(400, 'invalid Shopify webhook', mapped.details);
      case 'ignored':
        // Acknowledged so Shopify does not retry a topic we do not use.
        return { stored: false, body: { ignored: true, reason: mapped.reason } };
      case 'event': {
        // With CR_STORE_HOSTS, a link off the store is dropped, not refused: a 4xx would make
        // Shopify retry and then drop the webhook, and a lost order is worse than a lost link.
        // Without its link the cart is never mailed (nothing_to_recover). Shopify's
        // abandoned_checkout_url is on the shop's domain: list that host.
        const event = onStoreOnly(mapped.event, storeHosts);
        seen.cartId = event.cart.id;
        const result = await ingest(event);
        if (result.kind === 'id_reused') {
          throw new HttpError(409, 'webhook event id already used for another cart', [
            { path: '(headers).x-shopify-event-id', problem: 'was first seen for another cart' },
          ]);
        }
        // The row's own id: an order may have found its checkout's row through an alias.
        const cart = {
          id: result.cart?.id ?? event.cart.id,
          status: result.cart?.status ?? 'open',
        };
        return { stored: true, body: { cart, duplicate: result.kind === 'duplicate' } };
      }
    }
  }
  return app;
}
