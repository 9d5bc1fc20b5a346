/**
 * The store-platform seam: everything that differs between Shopify, Stripe Checkout, WooCommerce
 * (or the next one) in one definition, so adding a platform is its own folder plus one line in
 * the registry (registry.ts). Config, both runtimes and the stack loop over the registered
 * platforms; the one generic webhook route (http/) reads the body within `maxBodyBytes`, asks the
 * platform to verify and map it, and feeds the events to the same intake as `POST /events`.
 *
 * A platform is pure where it can be: `verify` and `map` see the raw bytes and the headers, never
 * a socket or the environment. What needs I/O (Stripe's line items live behind its API) comes in
 * through `create`'s options as a port-like dependency, so tests hand it a stand-in.
 */
import type { CartEvent } from '../domain/events.ts';
import type { FieldProblem } from '../domain/field-problems.ts';

/** One webhook delivery as the platform sees it. */
export interface PlatformDelivery {
  /** The body exactly as received: every platform signs these bytes, not a re-serialisation. */
  readonly body: Uint8Array;
  /** A request header by name, case-insensitive; undefined when absent. */
  header(name: string): string | undefined;
  /** When it arrived (epoch ms, from the Clock port): Stripe's signature has a time tolerance. */
  readonly receivedAt: number;
  /**
   * The body as JSON, read by `parse` (JSON.parse unless given: Shopify passes a lossless one so
   * 64-bit ids keep their digits). A body that is not JSON, or a Content-Type that is not, ends
   * the delivery with the same 415 as POST /events: this throws the route's own error, so call it
   * after `verify` and never catch it. A platform whose pings are not JSON (WooCommerce's
   * `webhook_id=...`) looks at the body or the headers first and answers `ignored`.
   */
  json(parse?: (text: string) => unknown): unknown;
}

export type PlatformVerdict =
  | { readonly ok: true }
  /** Answered 401, naming the header that failed (never which secret, never the expected value). */
  | { readonly ok: false; readonly problem: FieldProblem };

export type PlatformMapping =
  /** Stored through intake, in order; usually one. */
  | {
      readonly kind: 'events';
      readonly events: readonly CartEvent[];
      /**
       * After storing them, close each event's cart as suppressed, with this reason in its audit
       * row (an order the store cancelled): the same audited stop as the owner's, final, so a late
       * or replayed delivery never reopens it. Stored first, so a cancellation that arrives before
       * the order it cancels still leaves a closed row for the order to find.
       */
      readonly suppress?: { readonly reason: string };
    }
  /** Acknowledged (200) and dropped: a topic we do not use, a delivery ping. Never retried. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Answered 400 with every bad field named: a payload we cannot trust. */
  | { readonly kind: 'invalid'; readonly details: readonly FieldProblem[] };

/** A configured platform: what the generic route calls for each delivery. */
export interface PlatformLane {
  verify(delivery: PlatformDelivery): PlatformVerdict;
  map(delivery: PlatformDelivery): PlatformMapping | Promise<PlatformMapping>;
}

/** A setting a platform reads besides its secret (e.g. CR_STRIPE_API_KEY), as config lists it. */
export interface PlatformSetting {
  /** The environment variable, as SPEC section 7 names it. */
  readonly variable: string;
  /** One line for the README's configuration table. */
  readonly doc: string;
  /** A secret value: never logged, held in the stack's one secret on AWS. */
  readonly secret: boolean;
}

export interface PlatformOptions {
  /** The webhook secret(s): the first signs nothing, all verify, so a rotation loses no delivery. */
  readonly secrets: readonly string[];
  /** The values of `settings`, by variable; undefined when not set. */
  readonly settings: Readonly<Record<string, string | undefined>>;
  /** HTTP for platforms that must call their API (Stripe's line items); tests pass a stand-in. */
  readonly fetch?: typeof fetch;
  /**
   * CR_STORE_HOSTS (empty: any). The generic route drops links off them from every mapped cart,
   * so a platform need not; here for one that wants to choose a link by host.
   */
  readonly storeHosts: readonly string[];
}

export interface StorePlatform {
  /**
   * Lower-case, stable: the route's last segment, the metrics lane, the log field, and the field
   * of the stack's one JSON secret that holds the webhook secret on AWS (secret-fields.ts).
   */
  readonly name: string;
  /** As the store owner knows it ("Shopify"): the 404, 400 and log wording. */
  readonly title: string;
  /** `/webhooks/<name>`. Without its secret configured the route answers 404. */
  readonly route: `/webhooks/${string}`;
  /** Largest body accepted (413 above it); whole orders can pass 64 KiB. */
  readonly maxBodyBytes: number;
  /** The webhook secret's variable (CR_SHOPIFY_SECRET); comma-separated values verify in turn. */
  readonly secretVariable: string;
  /**
   * Where the delivery's event id comes from, as a 409 names it when that id was already used
   * for another cart: `(headers).x-shopify-event-id`, or a body path such as `id`.
   */
  readonly eventIdPath: string;
  readonly settings: readonly PlatformSetting[];
  create(options: PlatformOptions): PlatformLane;
}
