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
import { type FileHandle, open } from 'node:fs/promises';
import type { SqliteDatabase } from './sqlite.ts';

/** Flushes a file's data (and size) to disk; injectable so tests can hold or fail it. */
export type SyncFile = (path: string) => Promise<void>;

/**
 * fdatasync on a descriptor kept open while flushes follow one another: under load a flush is
 * one thread-pool call, not three (open, flush, close). It is closed once no flush follows in the
 * same turn of the event loop, so an idle store (or a test's many) holds no descriptor. SQLite
 * deletes the WAL only when the last connection closes or the journal mode changes, and cuts it
 * to size in place (journal_size_limit), so a descriptor stays the file's meanwhile.
 */
export function createFdatasync(): SyncFile {
  let handle: Promise<FileHandle> | null = null;
  let flushes = 0;
  const closeIfIdle = (seen: number) => {
    if (flushes !== seen || handle === null) return;
    const closing = handle;
    handle = null;
    void closing.then((h) => h.close()).catch(() => undefined);
  };
  return async (path) => {
    const seen = ++flushes;
    handle ??= open(path, 'r+');
    const opened = handle;
    try {
      await (await opened).datasync();
    } catch (error) {
      if (handle === opened) handle = null;
      void opened.then((h) => h.close()).catch(() => undefined);
      throw error;
    } finally {
      setImmediate(closeIfIdle, seen);
    }
  };
}

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
export function createWalSync(db: SqliteDatabase, syncFile?: SyncFile): WalSync | null {
  const level = db.pragma('synchronous', { simple: true });
  const mode = db.pragma('journal_mode', { simple: true });
  if (db.memory || level !== SYNCHRONOUS_FULL || mode !== 'wal') return null;
  const walPath = `${db.name}-wal`;
  const flushFile = syncFile ?? createFdatasync();
  const toNormal = db.prepare('PRAGMA synchronous = NORMAL');
  const toFull = db.prepare('PRAGMA synchronous = FULL');

  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const run = flushFile(walPath).finally(() => {
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
