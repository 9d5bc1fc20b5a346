/**
 * Secrets the operator did not set are generated on first run and kept in the data dir
 * (`secrets.json`, mode 0600), so a restart keeps the same webhook secret, owner token and link
 * secret. They never change silently: a data dir whose database holds carts but whose secrets
 * file is gone is refused (a new link secret would make every unsubscribe link already in an
 * inbox answer 400), and so is the reverse (secrets, but no database beside them). Rotating the
 * link secret keeps the old one for verifying links already sent (`previousLinkSecrets`).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRETS_FILE = 'secrets.json';

export interface StoredSecrets {
  readonly webhookSecret: string;
  readonly ownerToken: string;
  /** Signs unsubscribe, resubscribe and click links. */
  readonly linkSecret: string;
  /** Link secrets rotated out, newest first: links signed with them still verify. */
  readonly previousLinkSecrets?: readonly string[];
}

export interface LoadedSecrets {
  readonly secrets: StoredSecrets;
  /** True when this run created them: the caller prints them. */
  readonly generated: boolean;
  readonly path: string;
}

export const SecretName = {
  webhook: 'webhook',
  owner: 'owner',
  link: 'link',
} as const;
export type SecretName = (typeof SecretName)[keyof typeof SecretName];

/** A secrets file that is missing where it must not be, unreadable or incomplete. */
export class SecretsFileError extends Error {
  override readonly name = 'SecretsFileError';
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export function secretsPath(dataDir: string): string {
  return join(dataDir, SECRETS_FILE);
}

export function newSecrets(): StoredSecrets {
  return {
    webhookSecret: `whsec_${token(32)}`,
    ownerToken: `own_${token(24)}`,
    linkSecret: token(32),
  };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The file's secrets, or null when there is no file. A broken file throws SecretsFileError. */
export function readSecrets(dataDir: string): StoredSecrets | null {
  const path = secretsPath(dataDir);
  if (!existsSync(path)) return null;
  let parsed: Partial<Record<keyof StoredSecrets, unknown>>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as typeof parsed;
  } catch (error) {
    throw new SecretsFileError(
      `${path} is not readable JSON (${(error as Error).message}); restore it from a backup (cart-recovery restore SRC)`,
      { cause: error },
    );
  }
  const { webhookSecret, ownerToken, linkSecret, previousLinkSecrets } = parsed;
  const complete =
    typeof webhookSecret === 'string' &&
    typeof ownerToken === 'string' &&
    typeof linkSecret === 'string' &&
    webhookSecret.length >= 16 &&
    ownerToken.length >= 16 &&
    linkSecret.length >= 16 &&
    (previousLinkSecrets === undefined || isStringList(previousLinkSecrets));
  if (!complete) {
    throw new SecretsFileError(
      `${path} lacks webhookSecret, ownerToken or linkSecret (each 16+ characters); restore it from a backup (cart-recovery restore SRC)`,
    );
  }
  return { webhookSecret, ownerToken, linkSecret, previousLinkSecrets: previousLinkSecrets ?? [] };
}

/** Written whole or not at all (a temp file renamed over), readable by the owner only. */
export function writeSecrets(dataDir: string, secrets: StoredSecrets): string {
  mkdirSync(dataDir, { recursive: true });
  const path = secretsPath(dataDir);
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return path;
}

/** A new value for one secret; a rotated link secret stays behind for verification. */
export function rotateSecret(secrets: StoredSecrets, name: SecretName): StoredSecrets {
  const fresh = newSecrets();
  switch (name) {
    case SecretName.webhook:
      return { ...secrets, webhookSecret: fresh.webhookSecret };
    case SecretName.owner:
      return { ...secrets, ownerToken: fresh.ownerToken };
    case SecretName.link:
      return {
        ...secrets,
        linkSecret: fresh.linkSecret,
        previousLinkSecrets: [secrets.linkSecret, ...(secrets.previousLinkSecrets ?? [])],
      };
  }
}

export interface LoadSecretsOptions {
  /** Carts the database held before this start: secrets missing beside them are refused. */
  readonly cartsInDatabase: number;
  /** CR_FRESH_START=1: the operator accepts new secrets for a database that holds carts. */
  readonly freshStart: boolean;
}

export const FRESH_START_HINT =
  'restore the data dir from a backup (cart-recovery restore SRC), or accept a fresh start once with CR_FRESH_START=1';

export function loadOrCreateSecrets(
  dataDir: string,
  options: LoadSecretsOptions = { cartsInDatabase: 0, freshStart: false },
): LoadedSecrets {
  const path = secretsPath(dataDir);
  const stored = readSecrets(dataDir);
  if (stored !== null) return { secrets: stored, generated: false, path };
  if (options.cartsInDatabase > 0 && !options.freshStart) {
    throw new SecretsFileError(
      `${path} is missing but the database beside it holds ${options.cartsInDatabase} cart(s): new secrets would break every link already sent; ${FRESH_START_HINT} (or run cart-recovery secrets --new)`,
    );
  }
  const secrets = newSecrets();
  writeSecrets(dataDir, secrets);
  return { secrets, generated: true, path };
}
