/**
 * The stack's one JSON secret (CR_SECRETS_NAME): read once per container whatever a function asks
 * of it, fields the operator wrote win over values derived from the seed, variables win over
 * both, and deploys that still name one secret per value keep working. Secrets Manager is a
 * stand-in at the SDK boundary.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createAppSecrets,
  createSecretReader,
  derivedSecret,
  SecretsError,
} from '../../src/lambda/secrets.ts';

const sm = mockClient(SecretsManagerClient);
const SEED = 'seed_0123456789abcdef0123456789abcdef';
const NAME = 'cr/secrets';
const KEY = { client_email: 'sheets@p.iam.gserviceaccount.com', private_key: 'PEM' };

beforeEach(() => sm.reset());

const bundle = (fields: Record<string, unknown>) =>
  sm.on(GetSecretValueCommand, { SecretId: NAME }).resolves({
    SecretString: JSON.stringify(fields),
  });
const secretsFor = (env: Record<string, string>) =>
  createAppSecrets(env, createSecretReader(new SecretsManagerClient({ region: 'eu-west-1' })));

describe('the one JSON secret', () => {
  it('derives the webhook, link and owner values from the seed, each different, in one read', async () => {
    bundle({ seed: SEED });
    const s = secretsFor({ CR_SECRETS_NAME: NAME });
    const [webhook, links, owners, shopify] = await Promise.all([
      s.webhook(),
      s.links(),
      s.owners(),
      s.shopify(),
    ]);
    expect(webhook).toBe(derivedSecret(SEED, 'webhook'));
    expect(links).toBe(derivedSecret(SEED, 'links'));
    expect(owners).toEqual([{ name: 'owner', token: derivedSecret(SEED, 'owner') }]);
    expect(new Set([webhook, links, owners[0]?.token]).size).toBe(3);
    expect(webhook).toMatch(/^[0-9a-f]{64}$/);
    expect(shopify).toBeUndefined();
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it("uses the operator's own fields over the seed, and variables over both", async () => {
    bundle({
      seed: SEED,
      webhook: 'whsec_operator_value_0123',
      owners: { sam: 'sam_token_0123456789abcdef', alex: 'alex_token_0123456789abcd' },
      shopify: 'shpss_from_the_secret',
      google: KEY,
    });
    const s = secretsFor({ CR_SECRETS_NAME: NAME });
    expect(await s.webhook()).toBe('whsec_operator_value_0123');
    expect((await s.owners()).map((o) => o.name)).toEqual(['sam', 'alex']);
    expect(await s.shopify()).toBe('shpss_from_the_secret');
    expect(JSON.parse(await s.google())).toEqual(KEY);
    const overridden = secretsFor({ CR_SECRETS_NAME: NAME, CR_WEBHOOK_SECRET: 'from_env_value' });
    expect(await overridden.webhook()).toBe('from_env_value');
  });

  it('names the field and the secret when a value is malformed or missing', async () => {
    bundle({ seed: SEED, webhook: 42, owners: { 'bad name!': 'x' } });
    const s = secretsFor({ CR_SECRETS_NAME: NAME });
    await expect(s.webhook()).rejects.toThrow(/cr\/secrets: "webhook" must be a string/);
    await expect(s.owners()).rejects.toThrow(/cr\/secrets "owners"/);
    await expect(s.google()).rejects.toThrow(/no "google" field/);
    sm.reset();
    bundle({ webhook: 'only_this' });
    await expect(secretsFor({ CR_SECRETS_NAME: NAME }).links()).rejects.toBeInstanceOf(
      SecretsError,
    );
  });

  it('asks again after a failed read, so a throttled cold start does not stick', async () => {
    sm.on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: JSON.stringify({ seed: SEED }) });
    const s = secretsFor({ CR_SECRETS_NAME: NAME });
    await expect(s.links()).rejects.toThrow(/ThrottlingException/);
    expect(await s.links()).toBe(derivedSecret(SEED, 'links'));
  });

  it('still reads one secret per value when no bundle is named (earlier deploys)', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'cr/webhook-secret' }).resolves({
      SecretString: 'legacy_webhook_secret',
    });
    const s = secretsFor({ CR_WEBHOOK_SECRET_NAME: 'cr/webhook-secret' });
    expect(await s.webhook()).toBe('legacy_webhook_secret');
  });
});
