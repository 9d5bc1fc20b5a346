/** The one Hono app, served the same by Node locally and behind a Lambda Function URL. */
import { Hono } from 'hono';
import type { Cidr } from '../domain/client-address.ts';
import { createSignInThrottle, type SignInThrottle } from '../domain/sign-in-throttle.ts';
import { noMetrics } from '../ports/metrics.ts';
import { HttpError, handleError } from './errors.ts';
import { type EventsRouteDeps, eventsRoute } from './events-route.ts';
import { metricsRoute } from './metrics-route.ts';
import { type OwnerApiDeps, ownerApi } from './owner-api.ts';
import { throttleOwnerTokens } from './owner-auth.ts';
import { frontDoor, notFound } from './people-pages.ts';
import { schemaRoute } from './schema-route.ts';
import { trustProxies } from './snippet-route.ts';

export interface AppDeps extends EventsRouteDeps, OwnerApiDeps {
  /** CR_TRUST_PROXY: proxies whose X-Forwarded-For clientIp believes (none when absent). */
  readonly trustProxy?: readonly Cidr[];
  /** Extra route groups (shopper links, owner pages, Shopify) mounted as they are wired. */
  // biome-ignore lint/suspicious/noExplicitAny: route groups carry their own Env types
  readonly extraRoutes?: readonly Hono<any>[];
  /** Wrong owner tokens: share one with the owner pages' sign-in, so both draw on one budget. */
  readonly ownerThrottle?: SignInThrottle;
  /** CR_METRICS_TOKEN for GET /metrics (404 when absent); the counters are `metrics`. */
  readonly metricsToken?: string;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(handleError);
  // First, so every route group (shopper links' limits too) reads the same client address.
  app.use('*', trustProxies(deps.trustProxy ?? []));
  // JSON for API clients as before; a page for a browser (people-pages.ts).
  app.notFound(notFound);
  app.get('/', frontDoor);
  app.get('/health', (c) => c.json({ ok: true }));
  app.route(
    '/',
    metricsRoute({ metricsToken: deps.metricsToken, metrics: deps.metrics ?? noMetrics }),
  );
  app.route('/', eventsRoute(deps));
  app.route('/', schemaRoute());
  app.use(
    '/owner/api/*',
    throttleOwnerTokens(deps.owners, deps.ownerThrottle ?? createSignInThrottle(), deps.clock),
  );
  app.route('/', ownerApi(deps));
  for (const routes of deps.extraRoutes ?? []) app.route('/', routes);
  return app;
}

export { HttpError };
