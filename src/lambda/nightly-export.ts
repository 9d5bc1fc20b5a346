/**
 * The nightly sheet on AWS: the last complete day's carts (store zone) to a Google Sheet in the
 * owner's Drive folder, with the service account from Secrets Manager. No folder configured
 * (CR_GOOGLE_FOLDER_ID unset): logged and skipped, the deploy simply has no sheet yet.
 */
import { createGoogleSheet, type GoogleSheetOptions } from '../adapters/sheets/google-sheet.ts';
import type { Config } from '../app/config.ts';
import { createExport, type DayExport } from '../app/export.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { configFor } from './aws-config.ts';
import { dynamoDbParts } from './aws-dynamodb.ts';
import { clockOf, type Env, once, optional, type PartOptions } from './aws-env.ts';
import { dayToExport } from './periods.ts';
import {
  type AppSecretSource,
  createAppSecrets,
  defaultSecretReader,
  parseGoogleCredentials,
} from './secrets.ts';

/** What the handler runs on; the AWS runtime (aws-runtime.ts) has it too. */
export interface ExportRuntime {
  readonly env: Env;
  readonly config: Config;
  readonly clock: Clock;
  readonly store: CartStore;
  readonly appSecrets: AppSecretSource;
}

/** The cart store and the secret: this bundle loads the DynamoDB and Secrets Manager clients. */
export function exportRuntime(env: Env, options: PartOptions = {}): ExportRuntime {
  const config = configFor(env, undefined);
  const dynamo = dynamoDbParts(env, options, {
    purchaseRetentionMs: config.policy.retainCartsMs,
  });
  return {
    env,
    config,
    clock: clockOf(options),
    get store() {
      return dynamo.store();
    },
    appSecrets: createAppSecrets(env, defaultSecretReader(options.clients?.secretsManager)),
  };
}

export type NightlyExportResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | ({ readonly kind: 'exported' } & DayExport);

/** Endpoint overrides for the Google adapter (tests point it at a stand-in). */
export type GoogleOverrides = Omit<GoogleSheetOptions, 'credentials' | 'folderId'>;

export function createNightlyExportHandler(
  runtime: () => ExportRuntime,
  google: GoogleOverrides = {},
) {
  return async (event: unknown): Promise<NightlyExportResult> => {
    const r = runtime();
    const folderId = optional(r.env, 'CR_GOOGLE_FOLDER_ID');
    if (folderId === undefined) {
      const reason = 'CR_GOOGLE_FOLDER_ID is not set (deploy with -c googleFolderId=...)';
      console.info(`[nightly-export] skipped: ${reason}`);
      return { kind: 'skipped', reason };
    }
    const day = dayToExport(event, r.clock.now(), r.config.policy.storeTimeZone);
    const key = await r.appSecrets.google();
    const credentials = parseGoogleCredentials(key, 'the Google service account key');
    const sheet = createGoogleSheet({ ...google, credentials, folderId });
    const exporter = createExport({
      store: r.store,
      sheets: [sheet],
      policy: r.config.policy,
      publicUrl: r.config.publicUrl,
    });
    const result = await exporter.exportDay(day);
    console.info(`[nightly-export] ${day}: ${result.rows} carts to ${result.locations.join(', ')}`);
    return { kind: 'exported', ...result };
  };
}

export const handler = createNightlyExportHandler(once(() => exportRuntime(process.env)));
