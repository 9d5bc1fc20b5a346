/**
 * The composition root on AWS for the two functions that run the use cases, http and the waiter:
 * the same services (src/app/services.ts) and the same app (src/http/compose-app.ts) as the local
 * runtime (src/cli/local-runtime.ts), over DynamoDB, EventBridge Scheduler, SES and Secrets
 * Manager. The other functions build only the parts they use (ses-feedback, monthly-summary,
 * nightly-export, rearm), so their bundles load only the SDK clients they call.
 *
 * Each Lambda gets only the variables it needs (infra/stack.ts), so every part is built on first
 * use: the waiter never asks for owner tokens. Secrets are read once per container.
 */
import { createPinoLog } from '../adapters/pino/pino-log.ts';
import { createPromMetrics } from '../adapters/prometheus/prom-metrics.ts';
import { loadTemplates } from '../adapters/templates/templates-loader.ts';
import type { Config } from '../app/config.ts';
import { createServices, type Services } from '../app/services.ts';
import { createLinkSigner } from '../domain/link-tokens.ts';
import { composeApp } from '../http/compose-app.ts';
import type { Log } from '../ports/log.ts';
import { configFor } from './aws-config.ts';
import { dynamoDbParts } from './aws-dynamodb.ts';
import { clockOf, type Env, memo, once, type PartOptions, templatesDir } from './aws-env.ts';
import { platformSecretsOnAws } from './aws-platforms.ts';
import { schedulerWakeups } from './aws-scheduler.ts';
import { sesMailer } from './aws-ses.ts';
import { createAppSecrets, defaultSecretReader, type SecretReader } from './secrets.ts';

/** PartOptions: SDK clients instead of default ones (tests: DynamoDB Local, mocks), clock, meter. */
export interface AwsRuntimeOptions extends PartOptions {
  /** Base of links when CR_PUBLIC_URL is unset: the HTTP function passes its Function URL. */
  readonly publicUrl?: string;
  /** Replaces the Secrets Manager reader (tests of caching use the real one over a mock). */
  readonly secrets?: SecretReader;
  /** Replaces the log (pino JSON lines on stdout, which Lambda sends to CloudWatch Logs). */
  readonly log?: Log;
}

export type AwsRuntime = ReturnType<typeof createAwsRuntime>;

export function createAwsRuntime(env: Env, options: AwsRuntimeOptions = {}) {
  const config: Config = configFor(env, options.publicUrl);
  const clock = clockOf(options);
  const secrets = options.secrets ?? defaultSecretReader(options.clients?.secretsManager);
  const appSecrets = createAppSecrets(env, secrets);
  const dynamo = dynamoDbParts(env, options, {
    purchaseRetentionMs: config.policy.retainCartsMs,
  });
  const wakeups = schedulerWakeups(env, options);
  const mailer = sesMailer(env, options);
  const templates = once(() => loadTemplates(templatesDir(env)));
  // [logs+metrics, issue 14] One log and one set of counters per container. The counters are
  // this container's only (no due-carts gauge: Scheduler, not a table, holds the timers).
  const log = options.log ?? createPinoLog({ level: config.logLevel });
  const metrics = createPromMetrics();

  const links = memo(async () => createLinkSigner(await appSecrets.links()));
  const services = memo(
    async (): Promise<Services> =>
      createServices(
        {
          store: dynamo.store(),
          unsubscribes: dynamo.unsubscribes(),
          wakeups: wakeups(),
          mailer,
          tallies: dynamo.tallies(),
          addressBudget: dynamo.addressBudget(),
          clock,
          links: await links(),
          templates,
          log,
          metrics,
        },
        config,
      ),
  );
  const wake = memo(async () => (await services()).wake);

  const owners = memo(async () => config.owners ?? appSecrets.owners());

  /** The one Hono app, with the same routes as `serve`. */
  const app = memo(async () => {
    const [built, ownerTokens, webhook, platforms, cart] = await Promise.all([
      services(),
      owners(),
      config.webhookSecret ?? appSecrets.webhook(),
      // Every registered platform's secrets: its variable, else its field of the one secret.
      platformSecretsOnAws(config, appSecrets),
      appSecrets.links(),
    ]);
    return composeApp({
      services: built,
      owners: ownerTokens,
      signOuts: dynamo.signOuts(),
      secrets: { webhook, cart, ...platforms },
    });
  });

  return {
    config,
    clock,
    env,
    secrets,
    appSecrets,
    get store() {
      return dynamo.store();
    },
    get unsubscribes() {
      return dynamo.unsubscribes();
    },
    get wakeups() {
      return wakeups();
    },
    get mailer() {
      return mailer();
    },
    services,
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
