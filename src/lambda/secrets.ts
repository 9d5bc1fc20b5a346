/**
 * Secrets for the Lambdas: read by name from Secrets Manager once per container (the stack hands
 * out names, never values), unless a variable carries the value itself, which wins (tests, and
 * operators who prefer plain environment variables).
 *
 * The stack keeps every value in ONE JSON secret (CR_SECRETS_NAME, `cr/secrets`): Secrets
 * Manager bills $0.40 a month per secret, and four secrets cost more than the rest of a small
 * shop's stack. Its fields (all optional but `seed`):
 *
 *   {"seed": "<generated at deploy>", "webhook": "...", "links": "...",
 *    "owners": {"sam": "<token>"}, "shopify": "...", "google": {<service account key>}}
 *
 * Each store platform's secrets are fields too, named by src/platforms/secret-fields.ts: its
 * webhook secret under its name ("shopify"), a secret setting under its variable without CR_.
 *
 * Secrets Manager generates one random value per secret, so the deploy generates `seed` and the
 * webhook secret, the link secret and the `owner` token are derived from it (HMAC-SHA256 of the
 * seed and the field's name, hex) until the operator writes a field of their own. The per-value
 * secret names of earlier deploys (CR_WEBHOOK_SECRET_NAME, ...) are still read when no bundle is
 * named.
 */
import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OwnerToken } from '../app/config.ts';
import type { SecretField } from '../platforms/secret-fields.ts';

export class SecretsError extends Error {
  override readonly name = 'SecretsError';
}

export interface SecretReader {
  /** The secret's string value; the first read per name goes to Secrets Manager, later ones are cached. */
  read(name: string): Promise<string>;
}

/**
 * A failed read is not cached, so a throttled cold start does not poison the container: the next
 * invocation asks again. Concurrent first reads of one name share a single call.
 */
export function createSecretReader(client: SecretsManagerClient): SecretReader {
  const cache = new Map<string, Promise<string>>();
  async function fetchValue(name: string): Promise<string> {
    let value: string | undefined;
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
      value = out.SecretString;
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new SecretsError(`could not read secret "${name}" from Secrets Manager: ${why}`, {
        cause: error,
      });
    }
    if (value === undefined || value === '') {
      throw new SecretsError(`secret "${name}" has no string value`);
    }
    return value;
  }
  return {
    read(name) {
      let pending = cache.get(name);
      if (pending === undefined) {
        pending = fetchValue(name);
        cache.set(name, pending);
        pending.catch(() => cache.delete(name));
      }
      return pending;
    },
  };
}

type Env = Readonly<Record<string, string | undefined>>;

const present = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/**
 * The value of a secret: `valueVar` (e.g. CR_WEBHOOK_SECRET) when set, else the secret named by
 * `nameVar` (e.g. CR_WEBHOOK_SECRET_NAME); undefined when neither is configured.
 */
export async function optionalSecret(
  env: Env,
  reader: SecretReader,
  valueVar: string,
  nameVar: string,
): Promise<string | undefined> {
  const value = present(env[valueVar]);
  if (value !== undefined) return value;
  const name = present(env[nameVar]);
  return name === undefined ? undefined : (await reader.read(name)).trim();
}

export async function requiredSecret(
  env: Env,
  reader: SecretReader,
  valueVar: string,
  nameVar: string,
): Promise<string> {
  const value = await optionalSecret(env, reader, valueVar, nameVar);
  if (value === undefined) {
    throw new SecretsError(`set ${nameVar} (a Secrets Manager secret name) or ${valueVar}`);
  }
  return value;
}

const OWNER_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MIN_TOKEN = 16;

/** cr/owner-tokens holds `{"owner":"<token>","sam":"<token>"}`: one named token per person. */
export function parseOwnerTokens(json: string, secretName = 'owner tokens'): OwnerToken[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SecretsError(`${secretName}: not JSON; expected {"name":"token",...}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretsError(`${secretName}: expected a JSON object {"name":"token",...}`);
  }
  const owners: OwnerToken[] = [];
  const problems: string[] = [];
  for (const [name, token] of Object.entries(parsed)) {
    if (!OWNER_NAME.test(name)) problems.push(`"${name.slice(0, 20)}" is not a valid owner name`);
    else if (typeof token !== 'string' || token.trim().length < MIN_TOKEN) {
      problems.push(`the token of "${name}" must be a string of at least ${MIN_TOKEN} characters`);
    } else owners.push({ name, token: token.trim() });
  }
  if (problems.length > 0) throw new SecretsError(`${secretName}: ${problems.join('; ')}`);
  if (owners.length === 0) throw new SecretsError(`${secretName}: no owner token in the secret`);
  return owners;
}

export interface GoogleCredentials {
  readonly clientEmail: string;
  readonly privateKey: string;
}

/** A Google service-account key file (JSON with client_email and private_key). */
export function parseGoogleCredentials(json: string, secretName = 'google credentials') {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SecretsError(`${secretName}: not JSON; put the service account's key file in it`, {
      cause: error,
    });
  }
  const key = parsed as { client_email?: unknown; private_key?: unknown } | null;
  if (typeof key?.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw new SecretsError(
      `${secretName}: no client_email/private_key; put the service account's JSON key file in it`,
    );
  }
  return { clientEmail: key.client_email, privateKey: key.private_key } as GoogleCredentials;
}

/** A reader over the given client, or over a default one made on the first read. */
export function defaultSecretReader(client?: SecretsManagerClient): SecretReader {
  let reader: SecretReader | undefined;
  return {
    read(name) {
      reader ??= createSecretReader(client ?? new SecretsManagerClient({}));
      return reader.read(name);
    },
  };
}

/** The value the stack's one secret derives for `field` from its seed (see the top of the file). */
export function derivedSecret(seed: string, field: 'webhook' | 'links' | 'owner'): string {
  return createHmac('sha256', seed).update(`cart-recovery:${field}`).digest('hex');
}

interface SecretBundle {
  readonly seed: string | undefined;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly name: string;
}

function parseBundle(json: string, name: string): SecretBundle {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new SecretsError(`${name}: not JSON; expected {"seed":"...","webhook":"...",...}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SecretsError(`${name}: expected a JSON object {"seed":"...",...}`);
  }
  const fields = parsed as Record<string, unknown>;
  const seed =
    typeof fields.seed === 'string' && fields.seed.trim() !== '' ? fields.seed : undefined;
  return { seed, fields, name };
}

/** Every secret a function may need, each from the first place that has it. */
export interface AppSecretSource {
  webhook(): Promise<string>;
  links(): Promise<string>;
  owners(): Promise<OwnerToken[]>;
  /** undefined: no Shopify secret anywhere (the route answers 404). */
  shopify(): Promise<string | undefined>;
  /**
   * A store platform's secret value (its webhook secret, or a secret setting): the variable when
   * set, else the bundle's field (src/platforms/secret-fields.ts), else the secret named by
   * `<variable>_NAME` when no bundle is named; undefined when none has it.
   */
  platformSecret(field: SecretField): Promise<string | undefined>;
  /** The Google service account's key file, as JSON text. */
  google(): Promise<string>;
}

export function createAppSecrets(env: Env, reader: SecretReader): AppSecretSource {
  const bundleName = present(env.CR_SECRETS_NAME);
  let bundle: Promise<SecretBundle> | undefined;
  const readBundle = (name: string) => {
    bundle ??= reader.read(name).then((json) => parseBundle(json, name));
    // A failed read is retried by the next invocation, as the reader's own cache does.
    bundle.catch(() => {
      bundle = undefined;
    });
    return bundle;
  };
  /** A string field of the bundle, else the seed's derivation when there is one. */
  async function field(
    key: string,
    derive: 'webhook' | 'links' | undefined,
  ): Promise<string | undefined> {
    if (bundleName === undefined) return undefined;
    const b = await readBundle(bundleName);
    const value = b.fields[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw new SecretsError(`${b.name}: "${key}" must be a string`);
    }
    return derive !== undefined && b.seed !== undefined ? derivedSecret(b.seed, derive) : undefined;
  }
  async function platformSecret({ field: key, variable }: SecretField) {
    const value = present(env[variable]) ?? (await field(key, undefined));
    if (value !== undefined || bundleName !== undefined) return value;
    return optionalSecret(env, reader, variable, `${variable}_NAME`);
  }
  const missing = (what: string, valueVar: string) =>
    new SecretsError(`no ${what}: set CR_SECRETS_NAME (the stack's JSON secret) or ${valueVar}`);
  return {
    async webhook() {
      const value = present(env.CR_WEBHOOK_SECRET) ?? (await field('webhook', 'webhook'));
      if (value !== undefined) return value;
      if (bundleName !== undefined) throw missing('webhook secret', 'CR_WEBHOOK_SECRET');
      return requiredSecret(env, reader, 'CR_WEBHOOK_SECRET', 'CR_WEBHOOK_SECRET_NAME');
    },
    async links() {
      const value = present(env.CR_LINK_SECRET) ?? (await field('links', 'links'));
      if (value !== undefined) return value;
      if (bundleName !== undefined) throw missing('link secret', 'CR_LINK_SECRET');
      return requiredSecret(env, reader, 'CR_LINK_SECRET', 'CR_LINK_SECRET_NAME');
    },
    async owners() {
      if (bundleName === undefined) {
        const name = present(env.CR_OWNERS_SECRET_NAME);
        if (name === undefined) throw missing('owner tokens', 'CR_OWNERS');
        return parseOwnerTokens(await reader.read(name), name);
      }
      const b = await readBundle(bundleName);
      const given = b.fields.owners;
      if (given !== undefined && given !== null) {
        return parseOwnerTokens(JSON.stringify(given), `${b.name} "owners"`);
      }
      if (b.seed === undefined) throw missing('owner tokens', 'CR_OWNERS');
      return [{ name: 'owner', token: derivedSecret(b.seed, 'owner') }];
    },
    shopify: () => platformSecret({ field: 'shopify', variable: 'CR_SHOPIFY_SECRET' }),
    platformSecret,
    async google() {
      const value = present(env.CR_GOOGLE_CREDENTIALS);
      if (value !== undefined) return value;
      if (bundleName === undefined) {
        return requiredSecret(
          env,
          reader,
          'CR_GOOGLE_CREDENTIALS',
          'CR_GOOGLE_CREDENTIALS_SECRET_NAME',
        );
      }
      const key = (await readBundle(bundleName)).fields.google;
      if (key === undefined || key === null) {
        throw new SecretsError(
          `${bundleName}: no "google" field; put the service account's JSON key under "google"`,
        );
      }
      return typeof key === 'string' ? key : JSON.stringify(key);
    },
  };
}
