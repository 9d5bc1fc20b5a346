/**
 * POST /webhooks/shopify: Shopify's own checkouts/create, checkouts/update and orders/create,
 * verified by X-Shopify-Hmac-Sha256 over the raw body and mapped onto the same cart events as
 * POST /events. Without CR_SHOPIFY_SECRET the route does not exist (404).
 */
import { Hono } from 'hono';
import type { Ingest } from '../app/intake.ts';
import { mapShopifyWebhook } from '../domain/shopify.ts';
import { verifyShopifyHmac } from '../domain/shopify-signature.ts';
import { HttpError } from './errors.ts';
import { readLimitedBody } from './events-route.ts';
import { parseShopifyBody } from './shopify-json.ts';

/**
 * Shopify sends whole orders (addresses, tax and shipping lines, fulfilments): a real one with many
 * lines passes 64 KiB, and a refused webhook is retried for hours and then lost. This route alone
 * takes up to 512 KiB.
 */
export const MAX_SHOPIFY_BODY_BYTES = 512 * 1024;

export interface ShopifyRouteDeps {
  readonly ingest: Ingest;
  readonly shopifySecret: string | undefined;
}

export function shopifyRoute({ ingest, shopifySecret }: ShopifyRouteDeps): Hono {
  const app = new Hono();
  app.post('/webhooks/shopify', async (c) => {
    if (shopifySecret === undefined) {
      throw new HttpError(404, 'Shopify webhooks are not enabled (set CR_SHOPIFY_SECRET)');
    }
    const raw = await readLimitedBody(c.req.raw, MAX_SHOPIFY_BODY_BYTES);
    if (!verifyShopifyHmac(raw, c.req.header('x-shopify-hmac-sha256'), shopifySecret)) {
      throw new HttpError(401, 'unauthorized', [
        { path: '(headers).x-shopify-hmac-sha256', problem: 'missing or does not match the body' },
      ]);
    }
    const mapped = mapShopifyWebhook({
      topic: c.req.header('x-shopify-topic'),
      eventId: c.req.header('x-shopify-event-id') ?? c.req.header('x-shopify-webhook-id'),
      triggeredAt: c.req.header('x-shopify-triggered-at'),
      // Not JSON.parse: Shopify's 64-bit ids would lose digits (see shopify-json.ts).
      body: parseShopifyBody(raw, c.req.header('content-type')),
    });
    switch (mapped.kind) {
      case 'invalid':
        throw new HttpError(400, 'invalid Shopify webhook', mapped.details);
      case 'ignored':
        // Acknowledged so Shopify does not retry a topic we do not use.
        return c.json({ ignored: true, reason: mapped.reason });
      case 'event': {
        const result = await ingest(mapped.event);
        if (result.kind === 'id_reused') {
          throw new HttpError(409, 'webhook event id already used for another cart', [
            { path: '(headers).x-shopify-event-id', problem: 'was first seen for another cart' },
          ]);
        }
        // The row's own id: an order may have found its checkout's row through an alias.
        return c.json({
          cart: {
            id: result.cart?.id ?? mapped.event.cart.id,
            status: result.cart?.status ?? 'open',
          },
          duplicate: result.kind === 'duplicate',
        });
      }
    }
  });
  return app;
}
