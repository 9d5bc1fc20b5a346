/**
 * The group commit's fsync, off the main thread. With `synchronous=FULL`, SQLite fsyncs the WAL
 * inside COMMIT, and better-sqlite3 is synchronous: the event loop stands still for the whole
 * flush (about 0.7 ms here), and no request is read meanwhile. Instead the batch commits with
 * NORMAL (the WAL frames are written, not flushed) and the WAL file is fdatasync'ed on the thread
 * pool; every write of the batch is answered only after that flush, so "durable before the
 * answer" holds exactly as with FULL, while the next batch is read, checked and committed.
 *
 * Why that is safe: WAL with NORMAL never corrupts the file on a power cut (SQLite's frame
 * checksums drop a torn tail), it only may lose the transactions after the last flush, and
 * those were never answered. A later commit's flush covers every earlier frame of the file, so
 * a flush that *starts* after a batch's commit makes that batch durable; concurrent batches share
 * one, so at most two flushes are ever in flight. Everything else on the connection (the owner's
 * unsubscribes, the CLI) still commits with FULL, the connection's setting.
 */
import { open } from 'node:fs/promises';
import type { SqliteDatabase } from './sqlite.ts';

/** Flushes a file's data (and size) to disk; injectable so tests can hold or fail it. */
export type SyncFile = (path: string) => Promise<void>;

export const fdatasyncFile: SyncFile = async (path) => {
  // Opened per flush, not kept: SQLite may delete and re-create the WAL (journal mode changes,
  // the last connection closing), and an old descriptor would flush a file no longer read.
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
};

export interface WalSync {
  /** Runs `commit` with NORMAL, then resolves once a WAL flush begun after it has finished. */
  commitThenFlush<T>(commit: () => T): { result: T; durable: Promise<void> };
}

const SYNCHRONOUS_FULL = 2;

/**
 * A WalSync for a connection set to FULL on a WAL file; null when the commit's own fsync is the
 * right one (OFF: nothing to flush; EXTRA: the owner asked for more than the WAL's data; an
 * in-memory database has no file), and the caller commits as before.
 */
export function createWalSync(
  db: SqliteDatabase,
  syncFile: SyncFile = fdatasyncFile,
): WalSync | null {
  const level = db.pragma('synchronous', { simple: true });
  const mode = db.pragma('journal_mode', { simple: true });
  if (db.memory || level !== SYNCHRONOUS_FULL || mode !== 'wal') return null;
  const walPath = `${db.name}-wal`;
  const toNormal = db.prepare('PRAGMA synchronous = NORMAL');
  const toFull = db.prepare('PRAGMA synchronous = FULL');

  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = syncFile(walPath).finally(() => {
      if (running === run) running = null;
    });
    running = run;
    return run;
  };
  /** A flush that starts after now: the running one began before this commit, so it is not. */
  const flushAfterNow = (): Promise<void> => {
    if (next !== null) return next;
    if (running === null) return start();
    next = running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    return next;
  };

  return {
    commitThenFlush(commit) {
      toNormal.run();
      let result: ReturnType<typeof commit>;
      try {
        result = commit();
      } finally {
        toFull.run();
      }
      return { result, durable: flushAfterNow() };
    },
  };
}
