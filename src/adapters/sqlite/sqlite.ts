/**
 * Opens (and migrates) the embedded SQLite database: one file in the data dir holding the cart
 * list, the audit trail, seen event ids and the unsubscribe list.
 */
import Database from 'better-sqlite3';
import { MIGRATIONS } from './sqlite-migrations.ts';

export { MIGRATIONS } from './sqlite-migrations.ts';

export type SqliteDatabase = Database.Database;

export interface OpenDatabaseOptions {
  /** A file path, or ':memory:' for tests that do not need restarts. */
  readonly path: string;
  /** Runs `PRAGMA quick_check` after opening (serve does; a test's scratch file need not). */
  readonly check?: boolean;
  /**
   * For the data dir's one owner: when the WAL's shared-memory file cannot be made (a full
   * disk), open in exclusive locking mode instead, which keeps that index in the heap. Other
   * processes then cannot read the file until this one closes it; the owner runs on.
   */
  readonly exclusiveFallback?: boolean;
  /**
   * `PRAGMA synchronous` (CR_SQLITE_SYNC, checked by config). FULL, the default: an event is on
   * disk before we answer 200, even if the machine (not just the process) dies. OFF only where a
   * crash is never simulated (benchmarks, the model test's clean restarts).
   */
  readonly synchronous?: SqliteSynchronous;
}

/** The only words interpolated into the PRAGMA: a typed option, never raw environment text. */
export const SQLITE_SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
export type SqliteSynchronous = (typeof SQLITE_SYNCHRONOUS)[number];

/** The database file cannot be used as it is: one line naming the file and the fix. */
export class DatabaseFileError extends Error {
  override readonly name = 'DatabaseFileError';
}

export const RESTORE_HINT = 'restore the data dir from a backup (cart-recovery restore SRC)';

// The WAL is checkpointed every WAL_AUTOCHECKPOINT pages (~16 MiB of 4 KiB pages) and, once
// checkpointed, cut back to JOURNAL_SIZE_LIMIT: without the limit a WAL keeps its largest size
// for ever, so the few MB an operator frees on a full disk would be eaten again by it.
const WAL_AUTOCHECKPOINT = 4000;
const JOURNAL_SIZE_LIMIT = 16 * 1024 * 1024;

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

/** A file SQLite refuses outright (not a database, damaged) says so in one line. */
function fileProblem(path: string, error: unknown): Error {
  const code = codeOf(error);
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new DatabaseFileError(
      `${path} is not a usable SQLite database (${code}: ${(error as Error).message}); ${RESTORE_HINT}`,
      { cause: error },
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code.startsWith('SQLITE_PERM')) {
    return new DatabaseFileError(
      `${path} cannot be opened for writing (${code}); check that the data dir exists and belongs to the user running cart-recovery`,
      { cause: error },
    );
  }
  return error as Error;
}

const NO_SHARED_MEMORY = /^SQLITE_(FULL|IOERR_SHMSIZE|IOERR_SHMOPEN|IOERR_SHMMAP)$/;

export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  // Checked here too: a caller typing around the option must never reach the PRAGMA's text.
  const { synchronous = 'FULL' } = options;
  if (!SQLITE_SYNCHRONOUS.includes(synchronous)) {
    throw new TypeError(
      `openDatabase ${options.path}: synchronous "${String(synchronous).slice(0, 20)}" is not one of ${SQLITE_SYNCHRONOUS.join(', ')}`,
    );
  }
  try {
    try {
      return openWith(options, false);
    } catch (error) {
      if (!(options.exclusiveFallback && NO_SHARED_MEMORY.test(codeOf(error)))) throw error;
      return openWith(options, true);
    }
  } catch (error) {
    throw unwritable(options.path, error);
  }
}

/** A file that could not even be opened for want of space (a new file, a migration due). */
function unwritable(path: string, error: unknown): unknown {
  const code = codeOf(error);
  if (!/^SQLITE_(FULL|IOERR)/.test(code)) return error;
  return new DatabaseFileError(
    `${path} cannot be opened for writing (${code}, disk full or failing); free some space where the data dir lives, then start again`,
    { cause: error },
  );
}

/** Whether the file was opened in exclusive locking mode (openDatabase's full-disk fallback). */
export function isExclusive(db: SqliteDatabase): boolean {
  return db.pragma('locking_mode', { simple: true }) === 'exclusive';
}

function openWith(
  { path, check = false, synchronous = 'FULL' }: OpenDatabaseOptions,
  exclusive: boolean,
): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path);
    // Before the first access to the WAL, or SQLite would still map the shared-memory file.
    if (exclusive) db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('busy_timeout = 5000');
    // Checkpoint the WAL less often (each checkpoint fsyncs the main file) and keep hot pages in RAM.
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT}`);
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    db.pragma('cache_size = -65536');
    db.pragma('foreign_keys = ON');
    if (check) quickCheck(db, path);
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw fileProblem(path, error);
  }
}

/** The fast integrity check (no index-to-table cross checks): pages, records, free list. */
function quickCheck(db: SqliteDatabase, path: string): void {
  const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
  // SQLite's report spans lines ("*** in database main ***\nTree 21 page 21: ..."): one line here.
  const problems = rows
    .map((row) => row.quick_check.replace(/\*\*\* in database \w+ \*\*\*/g, '').trim())
    .filter((text) => text !== 'ok')
    .map((text) => text.replace(/\s*\n\s*/g, '; '));
  if (problems.length > 0) {
    throw new DatabaseFileError(
      `${path} failed its integrity check (${problems.length} problem(s), first: ${problems[0]}); ${RESTORE_HINT}`,
    );
  }
}

/**
 * Folds the WAL into the main file and cuts it to nothing: space back for the disk after a run
 * that grew it. Best effort: on a full disk it can fail, and the service runs on regardless.
 */
export function checkpointWal(db: SqliteDatabase): boolean {
  try {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return row?.busy === 0;
  } catch {
    return false;
  }
}

/** How many carts the file holds: what a missing secrets file would orphan. */
export function countCarts(db: SqliteDatabase): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM carts').get() as { n: number }).n;
}

function migrate(db: SqliteDatabase): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) break;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
