/**
 * The nightly sheet on AWS: the last complete day's carts (store zone) to a Google Sheet in the
 * owner's Drive folder, with the service account from Secrets Manager. No folder configured
 * (CR_GOOGLE_FOLDER_ID unset): logged and skipped, the deploy simply has no sheet yet.
 */
import { createGoogleSheet, type GoogleSheetOptions } from '../adapters/aws/google-sheet.ts';
import { createExport, type DayExport } from '../app/export.ts';
import { optional } from './aws-env.ts';
import { type AwsRuntime, containerRuntime } from './aws-runtime.ts';
import { dayToExport } from './periods.ts';
import { parseGoogleCredentials, requiredSecret } from './secrets.ts';

export type NightlyExportResult =
  | { readonly kind: 'skipped'; readonly reason: string }
  | ({ readonly kind: 'exported' } & DayExport);

/** Endpoint overrides for the Google adapter (tests point it at a stand-in). */
export type GoogleOverrides = Omit<GoogleSheetOptions, 'credentials' | 'folderId'>;

export function createNightlyExportHandler(
  runtime: () => AwsRuntime,
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
    const name = 'CR_GOOGLE_CREDENTIALS_SECRET_NAME';
    const key = await requiredSecret(r.env, r.secrets, 'CR_GOOGLE_CREDENTIALS', name);
    const credentials = parseGoogleCredentials(key, r.env[name] ?? 'CR_GOOGLE_CREDENTIALS');
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

export const handler = createNightlyExportHandler(containerRuntime);
