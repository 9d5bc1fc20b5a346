/**
 * `cart-recovery backup DEST` and `cart-recovery restore SRC`: the database through SQLite's
 * online backup API (a consistent copy of a live file, WAL included, while `serve` keeps
 * running) plus secrets.json, which the links already sent need. A restore refuses while anyone
 * holds the data dir, and never overwrites a data dir in use without --force; what it replaces
 * is moved aside, not deleted.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { readSecrets, SECRETS_FILE, secretsPath } from '../adapters/secrets-file/secrets-file.ts';
import { lockDataDir } from '../adapters/sqlite/data-dir-lock.ts';
import { countCarts, DatabaseFileError, openDatabase } from '../adapters/sqlite/sqlite.ts';
import { parseConfig } from '../app/config.ts';
import { type ParsedArgs, UsageError } from './args.ts';
import { DATABASE_FILE } from './data-dir.ts';
import type { CommandRunner } from './main.ts';

type Io = Parameters<CommandRunner>[1];

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

function onlyPositional(args: ParsedArgs, command: string, what: string): string {
  const [value, ...extra] = args.positionals;
  if (value === undefined || extra.length > 0) {
    throw new UsageError(`${command} needs exactly one ${what}`);
  }
  return resolve(value);
}

/** Opens a backup or data-dir file and checks it, so a bad copy is caught now, not at restore. */
function checkedCarts(path: string): number {
  if (!existsSync(path)) throw new DatabaseFileError(`${path} does not exist`);
  const db = openDatabase({ path, check: true });
  try {
    return countCarts(db);
  } finally {
    db.close();
  }
}

export async function runBackup(args: ParsedArgs, io: Io): Promise<number> {
  const dest = onlyPositional(args, 'backup', 'DEST folder');
  const config = parseConfig(io.env);
  if (!isEmptyDir(dest)) {
    throw new UsageError(`${dest} is not empty; back up into a new or empty folder`);
  }
  const source = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(source)) {
    throw new DatabaseFileError(`${source} does not exist: nothing to back up (CR_DATA_DIR?)`);
  }
  const secrets = readSecrets(config.dataDir);
  mkdirSync(dest, { recursive: true });
  // Read-only on purpose: backup takes no lock, so it runs beside a live serve. The backup API
  // copies one consistent snapshot, committed WAL frames included.
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(join(dest, DATABASE_FILE));
  } finally {
    db.close();
  }
  if (secrets !== null) copyFileSync(secretsPath(config.dataDir), join(dest, SECRETS_FILE));
  const carts = checkedCarts(join(dest, DATABASE_FILE));
  io.log(`backed up ${config.dataDir} into ${dest}: ${carts} cart(s), database checked`);
  io.log(
    secrets === null
      ? '  no secrets.json: the secrets come from CR_* variables; keep those safe as well'
      : `  ${SECRETS_FILE} copied (mode 0600): it holds the secrets; store the backup like a password`,
  );
  return 0;
}

/** Moves what a forced restore replaces to `<name>.before-restore-<time>` beside it. */
function moveAside(dataDir: string, stamp: string): string[] {
  const moved: string[] = [];
  for (const name of [
    DATABASE_FILE,
    `${DATABASE_FILE}-wal`,
    `${DATABASE_FILE}-shm`,
    SECRETS_FILE,
  ]) {
    const path = join(dataDir, name);
    if (!existsSync(path)) continue;
    renameSync(path, `${path}.before-restore-${stamp}`);
    moved.push(`${path}.before-restore-${stamp}`);
  }
  return moved;
}

function copyInto(from: string, dataDir: string, name: string): void {
  const temp = join(dataDir, `.${name}.restore-${process.pid}`);
  copyFileSync(from, temp);
  renameSync(temp, join(dataDir, name));
}

export async function runRestore(args: ParsedArgs, io: Io): Promise<number> {
  const src = onlyPositional(args, 'restore', 'SRC backup folder');
  const config = parseConfig(io.env);
  const carts = checkedCarts(join(src, DATABASE_FILE));
  const secrets = readSecrets(src);
  mkdirSync(config.dataDir, { recursive: true });
  const lock = lockDataDir(config.dataDir, 'restore');
  try {
    const inUse = [DATABASE_FILE, SECRETS_FILE].some((name) =>
      existsSync(join(config.dataDir, name)),
    );
    if (inUse && args.flags.get('force') !== true) {
      throw new UsageError(
        `${config.dataDir} already holds a database or secrets; restore into an empty CR_DATA_DIR, or add --force to move them aside`,
      );
    }
    const moved = moveAside(config.dataDir, new Date().toISOString().replace(/[:.]/g, '-'));
    copyInto(join(src, DATABASE_FILE), config.dataDir, DATABASE_FILE);
    if (secrets !== null) copyInto(join(src, SECRETS_FILE), config.dataDir, SECRETS_FILE);
    else rmSync(secretsPath(config.dataDir), { force: true });
    io.log(`restored ${src} into ${config.dataDir}: ${carts} cart(s)`);
    for (const path of moved) io.log(`  kept the replaced file as ${path}`);
    if (secrets === null) io.log('  the backup had no secrets.json: set the same CR_* secrets');
    return 0;
  } finally {
    lock.release();
  }
}
