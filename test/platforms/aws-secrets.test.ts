/**
 * Each store platform's secrets on AWS, read from the registry: a variable wins, else the
 * platform's field of the stack's one JSON secret (its webhook secret under its name, a secret
 * setting under its variable without CR_), else, on deploys without the bundle, the secret
 * named by <variable>_NAME. Secrets Manager is a stand-in at the SDK boundary.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/app/config.ts';
import { platformSecretsOnAws } from '../../src/lambda/aws-platforms.ts';
import { createAppSecrets, createSecretReader } from '../../src/lambda/secrets.ts';
import type { StorePlatform } from '../../src/platforms/platform.ts';
import { shopify } from '../../src/platforms/shopify/platform.ts';

const sm = mockClient(SecretsManagerClient);
beforeEach(() => sm.reset());

const keyed: StorePlatform = {
  ...shopify,
  name: 'keyed',
  route: '/webhooks/keyed',
  secretVariable: 'CR_KEYED_SECRET',
  settings: [
    { variable: 'CR_KEYED_API_KEY', doc: 'read-only API key', secret: true },
    { variable: 'CR_KEYED_REGION', doc: 'region', secret: false },
  ],
};

function readOnAws(env: Record<string, string>) {
  const full = { CR_WEBHOOK_SECRET: 'whsec_aws_platforms_0123456789', ...env };
  const appSecrets = createAppSecrets(
    full,
    createSecretReader(new SecretsManagerClient({ region: 'eu-west-1' })),
  );
  const config = parseConfig(full);
  // The registry's loop, over Shopify and a platform with settings.
  return platformSecretsOnAws(
    {
      platformSecrets: { ...config.platformSecrets, keyed: [] },
      platformSettings: {
        ...config.platformSettings,
        keyed: { CR_KEYED_API_KEY: env.CR_KEYED_API_KEY, CR_KEYED_REGION: env.CR_KEYED_REGION },
      },
    },
    appSecrets,
    [shopify, keyed],
  );
}

describe('platform secrets on AWS', () => {
  it('reads each platform’s fields of the one JSON secret, comma-separated values as several', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'cr/secrets' }).resolves({
      SecretString: JSON.stringify({
        seed: 'seed_0123456789abcdef',
        shopify: 'shpss_one',
        keyed: 'k_old, k_new',
        keyed_api_key: 'rk_live_123',
      }),
    });
    const read = await readOnAws({ CR_SECRETS_NAME: 'cr/secrets', CR_KEYED_REGION: 'eu' });
    expect(read.platforms).toEqual({ shopify: ['shpss_one'], keyed: ['k_old', 'k_new'] });
    expect(read.platformSettings.keyed).toEqual({
      CR_KEYED_API_KEY: 'rk_live_123',
      CR_KEYED_REGION: 'eu',
    });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('lets a variable win over the field, and leaves a platform off when neither is set', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'cr/secrets' }).resolves({
      SecretString: JSON.stringify({ seed: 'seed_0123456789abcdef', shopify: 'from_the_bundle' }),
    });
    const read = await readOnAws({
      CR_SECRETS_NAME: 'cr/secrets',
      CR_SHOPIFY_SECRET: 'from_the_variable',
    });
    expect(read.platforms).toEqual({ shopify: ['from_the_variable'], keyed: [] });
    expect(read.platformSettings.keyed?.CR_KEYED_API_KEY).toBeUndefined();
  });

  it('on a deploy without the bundle, reads the secret <variable>_NAME names', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'cr/keyed' }).resolves({ SecretString: 'k_one' });
    const read = await readOnAws({ CR_KEYED_SECRET_NAME: 'cr/keyed' });
    expect(read.platforms).toEqual({ shopify: [], keyed: ['k_one'] });
  });
});
