/**
 * The whole configuration table: the store settings (config-table.ts), the rows each registered
 * store platform contributes (registry.ts), and what only the Lambda functions read
 * (config-table-aws.ts). Adding a platform adds its rows here without touching config.
 */
import type { StorePlatform } from '../platforms/platform.ts';
import { PLATFORMS } from '../platforms/registry.ts';
import { settingField } from '../platforms/secret-fields.ts';
import type { Setting } from './config-setting.ts';
import { context, STORE_SETTINGS, secret } from './config-table.ts';
import { AWS_RUNTIME_SETTINGS } from './config-table-aws.ts';

/** CR_WOOCOMMERCE_CONSENT_META -> woocommerceConsentMeta, the stack's `-c` key for it. */
function contextKey(variable: string): string {
  const words = variable.replace(/^CR_/, '').toLowerCase().split('_');
  return words.map((w, i) => (i === 0 ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`)).join('');
}

/** A platform's secret and settings as rows: the registry contributes them, config reads them. */
export function platformSettings(platforms: readonly StorePlatform[]): Setting<string>[] {
  return platforms.flatMap((platform) => [
    {
      variable: platform.secretVariable,
      defaultDoc: 'unset (route answers 404)',
      doc: `${platform.title} webhook secret(s), comma-separated (each verifies, for rotation); opens \`POST ${platform.route}\``,
      aws: secret(platform.name),
      secret: true,
    },
    ...platform.settings.map((setting) => ({
      variable: setting.variable,
      doc: setting.doc,
      // A secret rides in the stack's one secret; any other setting is a `-c` key, passed as given.
      aws: setting.secret
        ? secret(settingField(setting.variable))
        : context(contextKey(setting.variable)),
      secret: setting.secret,
    })),
  ]);
}

/** The rows `serve` and the functions read (with the platforms'), and those only the functions read. */
export function configRows(platforms: readonly StorePlatform[] = PLATFORMS): {
  readonly settings: readonly Setting[];
  readonly awsOnly: readonly Setting[];
} {
  return {
    settings: [...Object.values(STORE_SETTINGS), ...platformSettings(platforms)],
    awsOnly: Object.values(AWS_RUNTIME_SETTINGS),
  };
}

/** Every row of the table, in README order. */
export function configTable(platforms: readonly StorePlatform[] = PLATFORMS): readonly Setting[] {
  const { settings, awsOnly } = configRows(platforms);
  return [...settings, ...awsOnly];
}
