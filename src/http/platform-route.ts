/**
 * The one webhook route every store platform (src/platforms/registry.ts) is served through, at its
 * own path: 404 while its secret is not configured, 413 over its body limit, 401 when the
 * platform's signature check fails, 415 when its body is not JSON, then the platform's mapping:
 * 400 naming every bad field, 200 `{ignored}` for what it does not use, or 200 with the cart once
 * each mapped event is durable, through the same intake as POST /events.
 */
import { Hono } from 'hono';
import type { Ingest } from '../app/intake.ts';
import type { Stops } from '../app/stops.ts';
import type { CartEvent } from '../domain/events.ts';
import { linksOffHosts } from '../domain/store-hosts.ts';
import type { PlatformDelivery, PlatformLane, StorePlatform } from '../platforms/platform.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError } from './errors.ts';
import { type EventObservers, observeEvents } from './event-outcomes.ts';
import { parseJsonText, readLimitedBody } from './request-body.ts';

export interface PlatformRouteDeps extends EventObservers {
  readonly ingest: Ingest;
  /** For mappings that close what they store (`suppress`): the owner's own stop. */
  readonly suppress: Stops['suppress'];
  readonly clock: Clock;
  /** The platform's webhook secrets; empty: its route answers 404. */
  readonly secrets: readonly string[];
  /** The values of the platform's `settings`, by variable. */
  readonly settings?: Readonly<Record<string, string | undefined>>;
  /** CR_STORE_HOSTS, as on POST /events: empty allows any http(s) link. */
  readonly storeHosts?: readonly string[];
  /** For a platform that calls its own API; the runtime's fetch when absent. */
  readonly fetch?: typeof fetch;
}

type Answer =
  | { readonly stored: false; readonly body: { ignored: true; reason: string } }
  | {
      readonly stored: true;
      readonly body: { cart: { id: string; status: string }; duplicate: boolean };
    };

/** The event with every link that is off the store's hosts taken out (all kept when none listed). */
function onStoreOnly(event: CartEvent, storeHosts: readonly string[], name: string): CartEvent {
  if (storeHosts.length === 0) return event;
  const off = new Set(linksOffHosts(event.cart, storeHosts).map((p) => p.path));
  if (off.size === 0) return event;
  console.warn(`[${name}] dropped links off CR_STORE_HOSTS: ${[...off].join(', ')}`);
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

function deliveryOf(request: Request, body: Uint8Array, receivedAt: number): PlatformDelivery {
  const header = (name: string) => request.headers.get(name) ?? undefined;
  return {
    body,
    header,
    receivedAt,
    json: (parse = JSON.parse) => parseJsonText(body, header('content-type'), parse),
  };
}

export function platformRoute(platform: StorePlatform, deps: PlatformRouteDeps): Hono {
  const { ingest, clock, secrets, storeHosts = [] } = deps;
  const observe = observeEvents(platform.name, deps);
  // Built once: a platform may hold state (a client, a cache) for the process's life.
  const lane: PlatformLane | null =
    secrets.length === 0
      ? null
      : platform.create({
          secrets,
          settings: deps.settings ?? {},
          storeHosts,
          ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
        });

  async function store(
    events: readonly CartEvent[],
    seen: { cartId: string | null },
    suppress: { readonly reason: string } | undefined,
  ): Promise<Answer> {
    let answer: Answer | null = null;
    for (const mapped of events) {
      // With CR_STORE_HOSTS, a link off the store is dropped, not refused: a 4xx would make the
      // platform retry and then drop the webhook, and a lost order is worse than a lost link.
      // Without its link the cart is never mailed (nothing_to_recover).
      const event = onStoreOnly(mapped, storeHosts, platform.name);
      seen.cartId = event.cart.id;
      const result = await ingest(event);
      if (result.kind === 'id_reused') {
        throw new HttpError(409, 'webhook event id already used for another cart', [
          { path: platform.eventIdPath, problem: 'was first seen for another cart' },
        ]);
      }
      // The row's own id: an order may have found its checkout's row through an alias.
      const id = result.cart?.id ?? event.cart.id;
      let status = result.cart?.status ?? 'open';
      if (suppress !== undefined) {
        const stopped = await deps.suppress(id, platform.name, suppress.reason);
        // A bought cart stays bought (already_final); not_found cannot follow a stored event.
        if (stopped.kind !== 'not_found') status = stopped.cart.status;
      }
      const cart = { id, status };
      answer = { stored: true, body: { cart, duplicate: result.kind === 'duplicate' } };
    }
    return answer ?? { stored: false, body: { ignored: true, reason: 'no events' } };
  }

  async function webhook(request: Request, seen: { cartId: string | null }): Promise<Answer> {
    if (lane === null) {
      throw new HttpError(
        404,
        `${platform.title} webhooks are not enabled (set ${platform.secretVariable})`,
      );
    }
    const raw = await readLimitedBody(request, platform.maxBodyBytes);
    const delivery = deliveryOf(request, raw, clock.now());
    const verdict = lane.verify(delivery);
    if (!verdict.ok) throw new HttpError(401, 'unauthorized', [verdict.problem]);
    const mapping = await lane.map(delivery);
    switch (mapping.kind) {
      case 'invalid':
        throw new HttpError(400, `invalid ${platform.title} webhook`, mapping.details);
      case 'ignored':
        // Acknowledged so the platform does not retry what we do not use.
        return { stored: false, body: { ignored: true, reason: mapping.reason } };
      case 'events':
        return store(mapping.events, seen, mapping.suppress);
    }
  }

  const app = new Hono();
  app.post(platform.route, async (c) => {
    const seen = { cartId: null as string | null };
    try {
      const answer = await webhook(c.req.raw, seen);
      if (answer.stored) observe.accepted();
      return c.json(answer.body);
    } catch (error) {
      observe.rejected(error, seen.cartId);
      throw error;
    }
  });
  return app;
}
