/**
 * `cart-recovery secrets`: where each secret lives and how to rotate it without breaking what is
 * already out there. `--rotate webhook|owner|link` writes a new one (a rotated link secret stays
 * behind for verifying links already sent) and prints it; `--new` creates the secrets file where
 * it went missing, accepting that links already sent stop working.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  newSecrets,
  readSecrets,
  rotateSecret,
  SecretName,
  SecretsFileError,
  type StoredSecrets,
  secretsPath,
  writeSecrets,
} from '../adapters/secrets-file/secrets-file.ts';
import { lockDataDir } from '../adapters/sqlite/data-dir-lock.ts';
import { type Config, parseConfig } from '../app/config.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { DATABASE_FILE } from './data-dir.ts';
import type { CommandRunner } from './main.ts';

type Io = Parameters<CommandRunner>[1];

const NAMES = Object.values(SecretName) as readonly string[];

function isSecretName(value: string): value is SecretName {
  return NAMES.includes(value);
}

const HOW: Record<SecretName, string> = {
  webhook:
    'rotate: cart-recovery secrets --rotate webhook, then put the new value in the store and restart serve together (events signed with the old one are refused from then on)',
  owner:
    'rotate: cart-recovery secrets --rotate owner, restart serve; the old token stops working (or name owners yourself with CR_OWNERS)',
  link: 'rotate: cart-recovery secrets --rotate link, restart serve; links already sent keep working (the old secret stays, for verifying only)',
};

function describe(config: Config, stored: StoredSecrets | null, path: string, log: Io['log']) {
  log(stored === null ? `secrets file: ${path} (none yet)` : `secrets file: ${path} (mode 0600)`);
  const source = (envName: string, set: boolean) =>
    set ? `from ${envName} (the file's value is not used)` : `in ${path}`;
  log(`  webhook secret  ${source('CR_WEBHOOK_SECRET', config.webhookSecret !== undefined)}`);
  log(`                  ${HOW.webhook}`);
  log(`  owner token     ${source('CR_OWNERS', config.owners !== undefined)}`);
  log(`                  ${HOW.owner}`);
  const previous = stored?.previousLinkSecrets?.length ?? 0;
  log(
    `  link secret     ${config.linkSecret !== undefined ? `from CR_LINK_SECRET (the file's link secrets still verify old links)` : `in ${path}`}; ${previous} earlier one(s) kept for verifying`,
  );
  log(`                  ${HOW.link}`);
  log('Back them up with the database: cart-recovery backup DEST copies both.');
}

function printSecret(name: SecretName, secrets: StoredSecrets, log: Io['log']): void {
  const value =
    name === 'webhook'
      ? secrets.webhookSecret
      : name === 'owner'
        ? secrets.ownerToken
        : secrets.linkSecret;
  log(`  ${name.padEnd(8)} ${value}`);
}

export async function runSecrets(args: ParsedArgs, io: Io): Promise<number> {
  const config = parseConfig(io.env);
  const path = secretsPath(config.dataDir);
  const rotate = args.flags.get('rotate');
  const fresh = args.flags.get('new') === true;
  if (args.positionals.length > 0) {
    throw new UsageError(`secrets takes no arguments, got "${args.positionals.join(' ')}"`);
  }
  if (rotate === undefined && !fresh) {
    describe(config, readSecrets(config.dataDir), path, io.log);
    return 0;
  }
  if (rotate !== undefined && (rotate === true || !isSecretName(rotate))) {
    throw new UsageError(`--rotate takes one of ${NAMES.join(', ')}`);
  }
  // Writes: the data dir's owner only, so a running serve is never left holding other secrets.
  const lock = lockDataDir(config.dataDir, 'secrets');
  try {
    const stored = readSecrets(config.dataDir);
    if (fresh) {
      if (stored !== null) {
        throw new UsageError(`${path} exists; use --rotate webhook|owner|link to change one`);
      }
      const secrets = newSecrets();
      writeSecrets(config.dataDir, secrets);
      const db = join(config.dataDir, DATABASE_FILE);
      io.log(`new secrets written to ${path} (shown once; keep them safe)`);
      for (const name of NAMES) if (isSecretName(name)) printSecret(name, secrets, io.log);
      if (existsSync(db)) io.log('  links sent with the lost link secret no longer verify');
      return 0;
    }
    if (stored === null) {
      throw new SecretsFileError(`${path} does not exist; nothing to rotate (serve creates it)`);
    }
    const name = rotate as SecretName;
    const rotated = rotateSecret(stored, name);
    writeSecrets(config.dataDir, rotated);
    io.log(`rotated the ${name} secret in ${path}; restart serve to use it:`);
    printSecret(name, rotated, io.log);
    io.log(`  ${HOW[name]}`);
    return 0;
  } finally {
    lock.release();
  }
}
