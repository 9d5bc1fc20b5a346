/**
 * The composition root on AWS: the same use cases and the same Hono app as the local runtime
 * (src/cli/local-runtime.ts), over DynamoDB, EventBridge Scheduler, SES and Secrets Manager.
 *
 * Each Lambda gets only the variables it needs (infra/stack.ts), so every part is built on first
 * use: the SES feedback function never asks for a state table, the waiter never for owner tokens.
 * Secrets are read once per container.
 */
import { createDynamoDbAddressBudget } from '../adapters/aws/dynamodb-address-budget.ts';
import { createDynamoDbCartStore } from '../adapters/aws/dynamodb-cart-store.ts';
import { createDynamoDbHealthTallies } from '../adapters/aws/dynamodb-health-tallies.ts';
import { createDynamoDbOwnerSignOuts } from '../adapters/aws/dynamodb-owner-sign-outs.ts';
import { createDynamoDbUnsubscribeList } from '../adapters/aws/dynamodb-unsubscribe-list.ts';
import { createSchedulerWakeups, parseFlexibleWindow } from '../adapters/aws/scheduler-wakeups.ts';
import { createSesMailer } from '../adapters/aws/ses-mailer.ts';
import type { UsageCounter } from '../adapters/aws/usage-counter.ts';
import { createPinoLog } from '../adapters/local/pino-log.ts';
import { createPromMetrics } from '../adapters/local/prom-metrics.ts';
import { loadTemplates } from '../adapters/local/templates-loader.ts';
import { createBrowserIntake } from '../app/browser-intake.ts';
import { type Config, parseConfig } from '../app/config.ts';
import { createIntake } from '../app/intake.ts';
import { createReminderComposer } from '../app/reminder-composer.ts';
import { createReports } from '../app/report.ts';
import { createSenderHealth, notifyOwners } from '../app/sender-health.ts';
import { createStops } from '../app/stops.ts';
import { createWake } from '../app/wake.ts';
import { createLinkSigner, type LinkSigner } from '../domain/link-tokens.ts';
import { createSignInThrottle } from '../domain/sign-in-throttle.ts';
import { createApp } from '../http/app.ts';
import { ownerPages } from '../http/owner-pages.ts';
import { SafeHtml } from '../http/page.ts';
import { shopifyRoute } from '../http/shopify-route.ts';
import { shopperRoutes } from '../http/shopper-routes.ts';
import { snippetRoute } from '../http/snippet-route.ts';
import { type Clock, systemClock } from '../ports/clock.ts';
import type { Log } from '../ports/log.ts';
import {
  type AwsClients,
  type Env,
  lazyClients,
  memo,
  need,
  optional,
  templatesDir,
} from './aws-env.ts';
import {
  createSecretReader,
  optionalSecret,
  parseOwnerTokens,
  requiredSecret,
  type SecretReader,
} from './secrets.ts';

export interface AwsRuntimeOptions {
  /** SDK clients to use instead of default ones (tests: DynamoDB Local, mocks). */
  readonly clients?: AwsClients;
  readonly clock?: Clock;
  /** Base of links when CR_PUBLIC_URL is unset: the HTTP function passes its Function URL. */
  readonly publicUrl?: string;
  /** Counts DynamoDB capacity and Scheduler/SES calls (the DynamoDB bench). */
  readonly usage?: UsageCounter;
  /** Replaces the Secrets Manager reader (tests of caching use the real one over a mock). */
  readonly secrets?: SecretReader;
  /** Replaces the log (pino JSON lines on stdout, which Lambda sends to CloudWatch Logs). */
  readonly log?: Log;
}

export type AwsRuntime = ReturnType<typeof createAwsRuntime>;

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

export function createAwsRuntime(env: Env, options: AwsRuntimeOptions = {}) {
  const publicUrl = options.publicUrl ?? optional(env, 'CR_PUBLIC_URL');
  const config: Config = parseConfig({
    ...env,
    ...(publicUrl === undefined ? {} : { CR_PUBLIC_URL: publicUrl }),
  });
  const clock = options.clock ?? systemClock;
  const usage = options.usage;
  const clients = lazyClients(options.clients);
  const secrets = options.secrets ?? createSecretReader(clients.secretsManager());
  const withUsage = usage === undefined ? {} : { usage };
  // [logs+metrics, issue 14] One log and one set of counters per container. The counters are
  // this container's only (no due-carts gauge: Scheduler, not a table, holds the timers).
  const log = options.log ?? createPinoLog({ level: config.logLevel });
  const metrics = createPromMetrics();
  const observers = { log, metrics };

  const store = once(() =>
    createDynamoDbCartStore({
      client: clients.dynamodb(),
      stateTable: need(env, 'CR_TABLE_STATE'),
      auditTable: need(env, 'CR_TABLE_AUDIT'),
      clock,
      purchaseRetentionMs: config.policy.retainCartsMs,
      ...withUsage,
    }),
  );
  const unsubscribes = once(() =>
    createDynamoDbUnsubscribeList({
      client: clients.dynamodb(),
      table: need(env, 'CR_TABLE_UNSUBSCRIBE'),
      auditTable: need(env, 'CR_TABLE_AUDIT'),
      ...withUsage,
    }),
  );
  const signOuts = once(() =>
    createDynamoDbOwnerSignOuts({
      client: clients.dynamodb(),
      stateTable: need(env, 'CR_TABLE_STATE'),
      ...withUsage,
    }),
  );
  const wakeups = once(() => {
    const deadLetterArn = optional(env, 'CR_SCHEDULE_DLQ_ARN');
    // Spreads held wake-ups (quiet hours ending for everyone at once) over a window, late not early.
    const flexibleWindowMinutes = parseFlexibleWindow(optional(env, 'CR_WAKEUP_WINDOW_MINUTES'));
    return createSchedulerWakeups({
      client: clients.scheduler(),
      group: need(env, 'CR_SCHEDULE_GROUP'),
      targetArn: need(env, 'CR_WAITER_ARN'),
      roleArn: need(env, 'CR_SCHEDULER_ROLE_ARN'),
      ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
      ...(flexibleWindowMinutes === undefined ? {} : { flexibleWindowMinutes }),
      clock,
      ...withUsage,
    });
  });
  const mailer = once(() => {
    const configurationSet = optional(env, 'CR_SES_CONFIGURATION_SET');
    return createSesMailer({
      client: clients.ses(),
      ...(configurationSet === undefined ? {} : { configurationSet }),
      clock,
      ...withUsage,
    });
  });
  const templates = once(() => loadTemplates(templatesDir(env)));

  const ingest = once(() =>
    createIntake({ store: store(), wakeups: wakeups(), policy: config.policy, clock, log }),
  );
  const stops = once(() =>
    createStops({
      store: store(),
      unsubscribes: unsubscribes(),
      wakeups: wakeups(),
      clock,
      policy: config.policy,
      log,
    }),
  );
  const senderHealth = once(() =>
    createSenderHealth({
      store: store(),
      tallies: createDynamoDbHealthTallies({
        client: clients.dynamodb(),
        auditTable: need(env, 'CR_TABLE_AUDIT'),
        ...withUsage,
      }),
      clock,
      notify: notifyOwners({
        mailer: mailer,
        clock,
        reportTo: config.reportTo,
        from: config.from,
        storeName: config.storeName,
        publicUrl: config.publicUrl,
      }),
      log,
    }),
  );

  const reports = once(() => createReports({ store: store(), policy: config.policy, clock }));

  const linkSecret = memo(() =>
    requiredSecret(env, secrets, 'CR_LINK_SECRET', 'CR_LINK_SECRET_NAME'),
  );
  const links = memo(async (): Promise<LinkSigner> => createLinkSigner(await linkSecret()));

  const wake = memo(async () => {
    const signer = await links();
    const compose = createReminderComposer({
      links: signer,
      templates,
      publicUrl: config.publicUrl,
      storeName: config.storeName,
      storeAddress: config.storeAddress,
      from: config.from,
    });
    return createWake({
      store: store(),
      unsubscribes: unsubscribes(),
      wakeups: wakeups(),
      mailer: mailer(),
      clock,
      policy: config.policy,
      compose,
      senderPaused: (now, lane) => senderHealth().isPaused(now, lane),
      snippetBudget: {
        budget: createDynamoDbAddressBudget({
          client: clients.dynamodb(),
          table: need(env, 'CR_TABLE_STATE'),
          ...withUsage,
        }),
        dailyCap: config.snippetDailyCap,
      },
      ...observers,
    });
  });

  const owners = memo(async () => {
    if (config.owners !== undefined) return config.owners;
    const name = need(env, 'CR_OWNERS_SECRET_NAME');
    return parseOwnerTokens(await secrets.read(name), name);
  });

  /** The one Hono app, with the same routes as `serve`. */
  const app = memo(async () => {
    const [webhookSecret, ownerTokens, signer, shopifySecret, cartSecret] = await Promise.all([
      config.webhookSecret ??
        requiredSecret(env, secrets, 'CR_WEBHOOK_SECRET', 'CR_WEBHOOK_SECRET_NAME'),
      owners(),
      links(),
      config.shopifySecret ??
        optionalSecret(env, secrets, 'CR_SHOPIFY_SECRET', 'CR_SHOPIFY_SECRET_NAME'),
      linkSecret(),
    ]);
    const common = { store: store(), stops: stops(), clock };
    // One budget of wrong owner tokens for the API and the sign-in form, per instance.
    const ownerThrottle = createSignInThrottle();
    return createApp({
      ...common,
      ingest: ingest(),
      webhookSecret,
      storeHosts: config.storeHosts,
      owners: ownerTokens,
      storeTimeZone: config.policy.storeTimeZone,
      senderHealth: senderHealth(),
      summary: (month) => reports().summaryJson(month),
      trustProxy: config.trustProxy,
      ownerThrottle,
      ...observers,
      metricsToken: config.metricsToken,
      extraRoutes: [
        shopperRoutes({
          ...common,
          links: signer,
          storeName: config.storeName,
          storeUrl: config.storeUrl,
          storeTimeZone: config.policy.storeTimeZone,
        }),
        shopifyRoute({
          ingest: ingest(),
          shopifySecret,
          storeHosts: config.storeHosts,
          ...observers,
        }),
        snippetRoute({
          ingest: createBrowserIntake({
            store: store(),
            wakeups: wakeups(),
            policy: config.policy,
            clock,
          }),
          store: store(),
          clock,
          snippet: config.snippet,
          cartSecret,
          ...observers,
        }),
        ownerPages({
          ...common,
          owners: ownerTokens,
          storeTimeZone: config.policy.storeTimeZone,
          cookieSecure: config.publicUrl.startsWith('https:'),
          signOuts: signOuts(),
          signInThrottle: ownerThrottle,
          // The monthly email links here: the page works on AWS as it does under serve.
          summaryHtml: async (month) => new SafeHtml(await reports().summaryHtml(month)),
        }),
      ],
    });
  });

  return {
    config,
    clock,
    env,
    secrets,
    get store() {
      return store();
    },
    get unsubscribes() {
      return unsubscribes();
    },
    get wakeups() {
      return wakeups();
    },
    get mailer() {
      return mailer();
    },
    get ingest() {
      return ingest();
    },
    get stops() {
      return stops();
    },
    get senderHealth() {
      return senderHealth();
    },
    links,
    wake,
    owners,
    app,
    log,
    metrics,
  };
}

/** The runtime of this container, from its environment; made on first use, kept while it lives. */
export const containerRuntime = once(() => createAwsRuntime(process.env));
