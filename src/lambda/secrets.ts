/**
 * Secrets for the Lambdas: read by name from Secrets Manager once per container (the stack hands
 * out names, never values), unless a variable carries the value itself, which wins (tests, and
 * operators who prefer plain environment variables).
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { OwnerToken } from '../app/config.ts';

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
