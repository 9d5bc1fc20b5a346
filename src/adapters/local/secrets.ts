/**
 * Secrets the operator did not set are generated on first run and kept in the data dir
 * (`secrets.json`, mode 0600), so a restart keeps the same webhook secret and owner token.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StoredSecrets {
  readonly webhookSecret: string;
  readonly ownerToken: string;
  /** Signs unsubscribe, resubscribe and click links. */
  readonly linkSecret: string;
}

export interface LoadedSecrets {
  readonly secrets: StoredSecrets;
  /** True when this run created them: the caller prints them once. */
  readonly generated: boolean;
  readonly path: string;
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

export function loadOrCreateSecrets(dataDir: string): LoadedSecrets {
  const path = join(dataDir, 'secrets.json');
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<StoredSecrets>;
    if (!parsed.webhookSecret || !parsed.ownerToken || !parsed.linkSecret) {
      throw new Error(`${path} is incomplete; delete it to generate new secrets`);
    }
    return { secrets: parsed as StoredSecrets, generated: false, path };
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: StoredSecrets = {
    webhookSecret: `whsec_${token(32)}`,
    ownerToken: `own_${token(24)}`,
    linkSecret: token(32),
  };
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
  return { secrets, generated: true, path };
}
