/**
 * Every route and owner page, mounted from the use cases (src/app/services.ts) in one place: the
 * local runtime and the AWS runtime both serve exactly this app, so a route or page that works
 * under `serve` works behind the Function URL (test/http/compose-parity.test.ts holds them to it).
 */
import type { Hono } from 'hono';
import type { OwnerToken } from '../app/config.ts';
import type { Services } from '../app/services.ts';
import type { Templates } from '../domain/copy.ts';
import { createSignInThrottle } from '../domain/sign-in-throttle.ts';
import type { StorePlatform } from '../platforms/platform.ts';
import { PLATFORMS } from '../platforms/registry.ts';
import type { OwnerSignOuts } from '../ports/owner-sign-outs.ts';
import { createApp } from './app.ts';
import { ownerPages } from './owner-pages.ts';
import { SafeHtml } from './page.ts';
import { platformRoute } from './platform-route.ts';
import { shopperRoutes } from './shopper-routes.ts';
import { snippetRoute } from './snippet-route.ts';

export interface AppSecrets {
  /** Signs POST /events. */
  readonly webhook: string;
  /**
   * Each store platform's webhook secrets, by name (CR_SHOPIFY_SECRET's values for `shopify`);
   * none: that platform's route answers 404.
   */
  readonly platforms: Readonly<Record<string, readonly string[]>>;
  /**
   * Each platform's settings, by name then variable, when the runtime reads some from elsewhere
   * than config (on AWS, the secret ones come from the stack's one secret). Default: config's.
   */
  readonly platformSettings?: Readonly<
    Record<string, Readonly<Record<string, string | undefined>>>
  >;
  /** Signs the snippet's cart tokens (the link secret). */
  readonly cart: string;
}

export interface ComposeAppDeps {
  readonly services: Services;
  readonly owners: readonly OwnerToken[];
  readonly signOuts: OwnerSignOuts;
  readonly secrets: AppSecrets;
  /**
   * Reads the templates folder afresh for the owner's preview, so edits show (with their
   * problems) before a restart; absent: the preview shows the copy loaded at start-up.
   */
  readonly freshTemplates?: () => Templates;
  /** Set by the local runtime: the summary's AWS lines are then what it would cost there. */
  readonly localInstall?: boolean;
  /** The store platforms to serve; the registry's, read now, unless given. */
  readonly platforms?: readonly StorePlatform[];
}

export function composeApp(deps: ComposeAppDeps): Hono {
  const { services, owners, signOuts, secrets } = deps;
  const { config, clock, store, stops, ingest, reports } = services;
  const observers = { log: services.log, metrics: services.metrics };
  const storeTimeZone = config.policy.storeTimeZone;
  // One budget of wrong owner tokens for the API and the sign-in form.
  const ownerThrottle = createSignInThrottle();
  return createApp({
    ingest,
    webhookSecret: secrets.webhook,
    storeHosts: config.storeHosts,
    clock,
    store,
    stops,
    owners,
    storeTimeZone,
    senderHealth: services.senderHealth,
    summary: (month) => reports.summaryJson(month),
    trustProxy: config.trustProxy,
    ownerThrottle,
    ...observers,
    metricsToken: config.metricsToken,
    extraRoutes: [
      shopperRoutes({
        links: services.links,
        stops,
        store,
        clock,
        storeName: config.storeName,
        storeUrl: config.storeUrl,
        storeTimeZone,
      }),
      ...(deps.platforms ?? PLATFORMS).map((platform) =>
        platformRoute(platform, {
          ingest,
          suppress: stops.suppress,
          clock,
          secrets: secrets.platforms[platform.name] ?? [],
          settings: (secrets.platformSettings ?? config.platformSettings)[platform.name] ?? {},
          storeHosts: config.storeHosts,
          ...observers,
        }),
      ),
      snippetRoute({
        ingest: services.browserIngest,
        store,
        clock,
        snippet: config.snippet,
        cartSecret: secrets.cart,
        ...observers,
      }),
      ownerPages({
        store,
        stops,
        owners,
        clock,
        storeTimeZone,
        cookieSecure: config.publicUrl.startsWith('https:'),
        signOuts,
        signInThrottle: ownerThrottle,
        unsubscribes: services.unsubscribes,
        // The monthly email links here: the page answers the same on every runtime.
        summaryHtml: async (month) => new SafeHtml(await reports.summaryHtml(month)),
        monthReport: (month) => reports.monthSummary(month),
        localInstall: deps.localInstall ?? false,
        senderHealth: services.senderHealth,
        templatePreview: {
          steps: config.policy.cadenceMs.length,
          templates: deps.freshTemplates ?? services.templates,
          store: { name: config.storeName, address: config.storeAddress },
          from: config.from,
          publicUrl: config.publicUrl,
          folder: config.templatesDir ?? 'the templates/ folder',
        },
      }),
    ],
  });
}
