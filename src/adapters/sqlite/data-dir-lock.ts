/**
 * One owner of the data dir. `serve` and the commands that write hold an exclusive lock on
 * `<data dir>/cart-recovery.lock` for as long as they run; a second one refuses at once, naming
 * the holder's pid. While the lock is held no other process can be sending, which is what lets
 * start-up recovery settle every claim it finds at once (local-runtime.ts, soleSenderSince).
 *
 * The lock is an OS file lock and not a pid file opened with O_EXCL: the kernel drops it the
 * moment its process dies (SIGKILL, power cut, OOM), so a crash never leaves a stale lock to
 * clean up, and a pid reused after a reboot or in a fresh container (a pid file's classic trap:
 * `kill(pid, 0)` says "alive" for a stranger) can never keep a restart out. A paused holder
 * (SIGSTOP, a long GC, a stuck disk) keeps it, so its claims are never taken over early. The lock
 * is an open `BEGIN EXCLUSIVE` on a small SQLite file, because better-sqlite3 is already here and
 * its POSIX locks are the one portable file lock Node can reach without a native add-on; taking
 * it writes nothing, so it works on a full disk too. The pid beside it is only for the message.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const LOCK_FILE = 'cart-recovery.lock';
export const HOLDER_FILE = 'cart-recovery.lock.pid';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    message: string,
    readonly holderPid: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

interface Holder {
  readonly pid: number;
  readonly command: string;
  readonly since: string;
}

function readHolder(dataDir: string): Holder | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as Holder;
    return Number.isSafeInteger(parsed.pid) ? parsed : null;
  } catch {
    return null;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function refusal(dataDir: string, command: string, cause: unknown): DataDirLockedError {
  const holder = readHolder(dataDir);
  const who =
    holder === null
      ? 'another cart-recovery process'
      : `cart-recovery ${holder.command} (pid ${holder.pid}, since ${holder.since})`;
  return new DataDirLockedError(
    `${command}: the data dir ${dataDir} is in use by ${who}; stop it first, or give this one its own CR_DATA_DIR`,
    holder?.pid ?? null,
    { cause },
  );
}

/** Takes the data dir's lock or throws DataDirLockedError at once (never waits). */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const db = new Database(path, { timeout: 0 });
  try {
    // No journal file and no write: the lock is the open exclusive transaction itself.
    db.pragma('journal_mode = MEMORY');
    db.exec('BEGIN EXCLUSIVE');
  } catch (error) {
    db.close();
    if (isBusy(error)) throw refusal(dataDir, command, error);
    throw error;
  }
  const holder: Holder = { pid: process.pid, command, since: new Date().toISOString() };
  try {
    writeFileSync(join(dataDir, HOLDER_FILE), `${JSON.stringify(holder)}\n`);
  } catch {
    // Only the refusal message of a second process reads it; a full disk must not stop us.
  }
  let held = true;
  return {
    path,
    release() {
      if (!held) return;
      held = false;
      if (readHolder(dataDir)?.pid === process.pid) {
        rmSync(join(dataDir, HOLDER_FILE), { force: true });
      }
      db.close();
    },
  };
}
