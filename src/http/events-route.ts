/**
 * POST /events, the store webhook (lane 1). Checks in the order that leaks least and costs least:
 * size (413), signature over the raw bytes (401), JSON (415), fields (400). Answers 200 only after
 * the change is durable.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Ingest } from '../app/intake.ts';
import { parseCartEvent } from '../domain/events.ts';
import { verifyWebhookSignature } from '../domain/webhook-signature.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

export interface EventsRouteDeps {
  readonly ingest: Ingest;
  readonly webhookSecret: string;
  readonly clock: Clock;
}

export function parseJsonBody(raw: Uint8Array, contentType: string | undefined): unknown {
  if (contentType === undefined || !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new HttpError(415, 'body must be JSON (Content-Type: application/json)', [
      { path: '(headers).content-type', problem: `got ${contentType ?? 'none'}` },
    ]);
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (error) {
    throw new HttpError(415, 'body is not valid JSON', [
      { path: '(body)', problem: (error as Error).message.slice(0, 200) },
    ]);
  }
}

export function limitBody() {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, `body is larger than ${MAX_BODY_BYTES / 1024} KiB`, [
        { path: '(body)', problem: `at most ${MAX_BODY_BYTES} bytes` },
      ]);
    },
  });
}

export function eventsRoute({ ingest, webhookSecret, clock }: EventsRouteDeps): Hono {
  const app = new Hono();
  app.post('/events', limitBody(), async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const signature = verifyWebhookSignature(
      webhookSecret,
      c.req.header('x-cr-signature'),
      raw,
      clock.now(),
    );
    if (!signature.ok) {
      throw new HttpError(401, 'unauthorized', [
        { path: '(headers).x-cr-signature', problem: signature.problem },
      ]);
    }
    const body = parseJsonBody(raw, c.req.header('content-type'));
    const parsed = parseCartEvent(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid event', parsed.details);

    const result = await ingest(parsed.event);
    const cart = result.cart;
    return c.json({
      cart: { id: parsed.event.cart.id, status: cart?.status ?? 'open' },
      duplicate: result.kind === 'duplicate',
    });
  });
  return app;
}
