/**
 * Opening a data dir for the embedded runtime, in the order that keeps it safe: the lock first
 * (nothing else may be writing), then the database (checked), then the secrets beside it, which
 * are refused when they would silently not match it. Every refusal is one line naming the file
 * and the fix; main.ts prints it without a stack.
 */
import { existsSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { removeOutboxLeftovers } from '../adapters/outbox/outbox-mailer.ts';
import {
  FRESH_START_HINT,
  type LoadedSecrets,
  loadOrCreateSecrets,
  SecretsFileError,
  secretsPath,
} from '../adapters/secrets-file/secrets-file.ts';
import { type DataDirLock, lockDataDir } from '../adapters/sqlite/data-dir-lock.ts';
import {
  checkpointWal,
  countCarts,
  DatabaseFileError,
  isExclusive,
  openDatabase,
  type SqliteDatabase,
  type SqliteSynchronous,
} from '../adapters/sqlite/sqlite.ts';

export const DATABASE_FILE = 'cart-recovery.sqlite';

/** Below either, every start warns: a full disk stops writes (they answer 503 until it clears). */
export const LOW_SPACE_BYTES = 200 * 1024 * 1024;
export const LOW_SPACE_FRACTION = 0.05;

/** The data dir itself cannot be used (permissions, a read-only or full file system). */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
}

/** A file-system error from making the dir, the lock or the secrets, as one line with the fix. */
function dataDirProblem(dataDir: string, error: unknown): unknown {
  const { code, path } = error as { code?: unknown; path?: unknown };
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return error;
  return new DataDirError(
    `${typeof path === 'string' ? path : dataDir}: ${code} (${(error as Error).message}); check that CR_DATA_DIR ${dataDir} is writable by this user and its disk has space`,
    { cause: error },
  );
}

export interface OpenDataDirOptions {
  readonly dataDir: string;
  /** The command taking the data dir's lock (serve, suppress...); unset: no lock (read-only). */
  readonly lock?: string;
  /** CR_FRESH_START=1: accept new secrets, or a new database, where one half is missing. */
  readonly freshStart: boolean;
  /** CR_SQLITE_SYNC (config.sqliteSync): the database's `PRAGMA synchronous`; FULL unless told. */
  readonly sqliteSync?: SqliteSynchronous;
}

export interface OpenedDataDir {
  readonly db: SqliteDatabase;
  readonly dbPath: string;
  readonly secrets: LoadedSecrets;
  readonly lock: DataDirLock | null;
  /** Things the operator should hear about at start (low disk space, leftovers removed). */
  readonly warnings: readonly string[];
}

function holdsData(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

export function freeSpaceWarning(dataDir: string): string | null {
  let stats: ReturnType<typeof statfsSync>;
  try {
    stats = statfsSync(dataDir);
  } catch {
    return null;
  }
  const free = stats.bavail * stats.bsize;
  const total = stats.blocks * stats.bsize;
  if (free >= LOW_SPACE_BYTES && (total === 0 || free / total >= LOW_SPACE_FRACTION)) return null;
  const mb = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))} MB`;
  return `low disk space: ${mb(free)} free of ${mb(total)} where ${dataDir} lives; when it runs out, writes answer 503 until space is freed`;
}

export function openDataDir(options: OpenDataDirOptions): OpenedDataDir {
  try {
    return openChecked(options);
  } catch (error) {
    throw dataDirProblem(options.dataDir, error);
  }
}

function openChecked(options: OpenDataDirOptions): OpenedDataDir {
  const { dataDir, freshStart } = options;
  mkdirSync(dataDir, { recursive: true });
  const lock = options.lock === undefined ? null : lockDataDir(dataDir, options.lock);
  try {
    const dbPath = join(dataDir, DATABASE_FILE);
    const hadDatabase = holdsData(dbPath);
    if (!hadDatabase && existsSync(secretsPath(dataDir)) && !freshStart) {
      throw new DatabaseFileError(
        `${dbPath} is missing or empty but ${secretsPath(dataDir)} says this data dir was in use: starting empty would forget every cart and unsubscribe; ${FRESH_START_HINT}`,
      );
    }
    // quick_check reads the whole file (~0.5 s per 100k carts): once per serve start and per
    // write command, not for every read-only command.
    const owner = lock !== null;
    const db = openDatabase({
      path: dbPath,
      check: hadDatabase && owner,
      exclusiveFallback: owner,
      ...(options.sqliteSync === undefined ? {} : { synchronous: options.sqliteSync }),
    });
    try {
      const secrets = loadOrCreateSecrets(dataDir, {
        cartsInDatabase: hadDatabase ? countCarts(db) : 0,
        freshStart,
      });
      return { db, dbPath, secrets, lock, warnings: startChores(dataDir, db, lock !== null) };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** Work only the data dir's one owner may do, and what the operator should hear at start. */
function startChores(dataDir: string, db: SqliteDatabase, owner: boolean): string[] {
  const warnings: string[] = [];
  if (owner) {
    checkpointWal(db);
    const removed = removeOutboxLeftovers(join(dataDir, 'outbox'));
    if (removed > 0) warnings.push(`removed ${removed} unfinished outbox file(s) left by a crash`);
  }
  if (isExclusive(db)) {
    warnings.push(
      `${join(dataDir, DATABASE_FILE)}-shm could not be created (disk full): the database is open in exclusive mode, so audit, export and backup wait until serve restarts`,
    );
  }
  const space = freeSpaceWarning(dataDir);
  if (space !== null) warnings.push(space);
  return warnings;
}

export { DatabaseFileError, SecretsFileError };
