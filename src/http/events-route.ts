/**
 * POST /events, the store webhook (lane 1). Checks in the order that leaks least and costs least:
 * size (413), signature over the raw bytes (401), JSON (415), fields (400). Answers 200 only after
 * the change is durable.
 */
import { Hono } from 'hono';
import type { Ingest } from '../app/intake.ts';
import { aheadOfClock, parseCartEvent } from '../domain/events.ts';
import { LIMIT } from '../domain/input-rules.ts';
import { linksOffHosts } from '../domain/store-hosts.ts';
import { verifyWebhookSignature } from '../domain/webhook-signature.ts';
import type { Clock } from '../ports/clock.ts';
import { EventLane } from '../ports/metrics.ts';
import { HttpError } from './errors.ts';
import { type EventObservers, observeEvents } from './event-outcomes.ts';
import { parseJsonBody, readLimitedBody } from './request-body.ts';

// Where the other routes have long imported the body reader from.
export {
  limitBody,
  MAX_BODY_BYTES,
  parseJsonBody,
  readLimitedBody,
} from './request-body.ts';

export interface EventsRouteDeps extends EventObservers {
  readonly ingest: Ingest;
  readonly webhookSecret: string;
  /**
   * CR_STORE_HOSTS: when given, every restore link, item link and image must be on these hosts
   * (a signed lane is the store's own server, but a bug or a leaked secret should still never
   * make the store mail a link to elsewhere). Empty: any http(s) link.
   */
  readonly storeHosts?: readonly string[];
  readonly clock: Clock;
}

export interface EventAnswer {
  readonly cart: { readonly id: string; readonly status: string };
  readonly duplicate: boolean;
}

/** The cart id a signed body names, for the log of its refusal; null when it names none. */
function namedCartId(json: unknown): string | null {
  const cart = (json as { cart?: { id?: unknown } } | null)?.cart;
  const id = typeof cart === 'object' && cart !== null ? cart.id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= LIMIT.id ? id : null;
}

/**
 * The whole of POST /events after the body is read, independent of the HTTP framework: the Hono
 * route (Lambda, tests) and the Node fast path in `serve` both call this, so they cannot differ.
 * Each call is counted and each refusal logged here; `rejected` is for refusals made before it
 * is called (a body over the limit).
 */
export function createEventHandler(deps: EventsRouteDeps) {
  const { ingest, webhookSecret, clock, storeHosts = [] } = deps;
  const observe = observeEvents(EventLane.events, deps);

  async function handle(
    raw: Uint8Array,
    signatureHeader: string | undefined,
    contentType: string | undefined,
    seen: { cartId: string | null },
  ): Promise<EventAnswer> {
    const signature = verifyWebhookSignature(webhookSecret, signatureHeader, raw, clock.now());
    if (!signature.ok) {
      throw new HttpError(401, 'unauthorized', [
        { path: '(headers).x-cr-signature', problem: signature.problem },
      ]);
    }
    const json = parseJsonBody(raw, contentType);
    // Signed, so the store's own id: it ties the refusal to the cart the store was sending.
    seen.cartId = namedCartId(json);
    const parsed = parseCartEvent(json);
    if (!parsed.ok) throw new HttpError(400, 'invalid event', parsed.details);
    const ahead = aheadOfClock(parsed.event, clock.now());
    if (ahead.length > 0) throw new HttpError(400, 'invalid event', ahead);
    const offStore = storeHosts.length === 0 ? [] : linksOffHosts(parsed.event.cart, storeHosts);
    if (offStore.length > 0) throw new HttpError(400, 'links must be on the store', offStore);
    const result = await ingest(parsed.event);
    if (result.kind === 'id_reused') {
      throw new HttpError(409, 'event id already used for another cart', [
        {
          path: 'id',
          problem: `${parsed.event.id} was first sent for another cart; every change needs its own event id`,
        },
      ]);
    }
    return {
      cart: { id: parsed.event.cart.id, status: result.cart?.status ?? 'open' },
      duplicate: result.kind === 'duplicate',
    };
  }

  async function handleEvent(
    raw: Uint8Array,
    signatureHeader: string | undefined,
    contentType: string | undefined,
  ): Promise<EventAnswer> {
    const seen = { cartId: null as string | null };
    try {
      const answer = await handle(raw, signatureHeader, contentType, seen);
      observe.accepted();
      return answer;
    } catch (error) {
      observe.rejected(error, seen.cartId);
      throw error;
    }
  }
  return Object.assign(handleEvent, {
    rejected: (error: unknown) => observe.rejected(error, null),
  });
}

export type EventHandler = ReturnType<typeof createEventHandler>;

export function eventsRoute(deps: EventsRouteDeps): Hono {
  const app = new Hono();
  const handleEvent = createEventHandler(deps);
  app.post('/events', async (c) => {
    const raw = await readLimitedBody(c.req.raw).catch((error: unknown) => {
      handleEvent.rejected(error);
      throw error;
    });
    return c.json(
      await handleEvent(raw, c.req.header('x-cr-signature'), c.req.header('content-type')),
    );
  });
  return app;
}
