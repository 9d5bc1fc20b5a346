/**
 * Where each platform's secret values live in the stack's one JSON secret (`<prefix>/secrets`,
 * read by src/lambda/secrets.ts, created by infra/secrets.ts): the webhook secret under the
 * platform's name (`"shopify": "..."`, as it always was), each secret setting under its variable
 * without `CR_`, in lower case (`CR_STRIPE_API_KEY` is `"stripe_api_key"`).
 */
import type { StorePlatform } from './platform.ts';
import { PLATFORMS } from './registry.ts';

export interface SecretField {
  /** The JSON field of the stack's secret. */
  readonly field: string;
  /** The variable that, when set, wins over the field (SPEC section 6). */
  readonly variable: string;
}

export const settingField = (variable: string): string =>
  variable.replace(/^CR_/, '').toLowerCase();

/** The platform's webhook secret field, then one per secret setting. */
export function secretFieldsOf(platform: StorePlatform): SecretField[] {
  return [
    { field: platform.name, variable: platform.secretVariable },
    ...platform.settings
      .filter((setting) => setting.secret)
      .map((setting) => ({ field: settingField(setting.variable), variable: setting.variable })),
  ];
}

/** Every registered platform's fields, in registry order. */
export function platformSecretFields(
  platforms: readonly StorePlatform[] = PLATFORMS,
): SecretField[] {
  return platforms.flatMap(secretFieldsOf);
}
