/**
 * A durable commit that does not stop the process while the disk works.
 *
 * better-sqlite3 is synchronous: with `synchronous=FULL` every COMMIT calls fsync on the WAL on
 * the main thread, and for that millisecond or more no request is read, parsed or answered (a
 * CPU profile of intake under load put a quarter of the server's time there). The group commit
 * already shares one fsync among every write of a batch; this moves that fsync off the main
 * thread, so the next batch is parsed and committed while the disk flushes the last one.
 *
 * How: the batch commits with `synchronous=NORMAL` (in WAL mode that writes the frames to the
 * WAL file but does not sync it), the connection's own level is put back at once, and then the
 * WAL file is fdatasync'd on libuv's thread pool. Only when that resolves does any caller of the
 * batch hear back. That is exactly what FULL does in WAL mode ("the WAL file is synchronized
 * after each transaction commit", sqlite.org/pragma.html#pragma_synchronous), done by us, later
 * and elsewhere: after the sync every frame of the batch, and every frame before it, is on disk,
 * and SQLite's recovery replays them. A checkpoint in between is no hazard: under NORMAL a
 * checkpoint still syncs the WAL before and the database file after it.
 *
 * Every other write on the connection (stops, unsubscribes, the timer's leases) still commits
 * with FULL, and a FULL commit syncs all earlier frames too. A failed sync rejects the batch's
 * callers: the data may or may not be on disk, so nobody is told it is (a store retries an event
 * that got no 200, and the retry answers "duplicate" once it is durable).
 */
import { open } from 'node:fs/promises';
import type { SqliteDatabase } from './sqlite.ts';

/** Makes a file's written data durable (fdatasync); injectable so tests can hold or fail it. */
export type SyncFile = (path: string) => Promise<void>;

export const fdatasyncFile: SyncFile = async (path) => {
  // A fresh descriptor each time: fdatasync flushes the file, whichever descriptor wrote it.
  const handle = await open(path, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
};

/** SQLite's `PRAGMA synchronous` levels: OFF 0, NORMAL 1, FULL 2, EXTRA 3. */
const NORMAL = 1;
const FULL = 2;

/**
 * Returns `commit => Promise`: runs the synchronous `commit` (a better-sqlite3 transaction) and
 * resolves with its result once it is as durable as the connection's `synchronous` level asks.
 * An in-memory or non-WAL database, or a level below FULL (the demo runs NORMAL), commits as is.
 */
export function durableWalCommit(db: SqliteDatabase, syncFile: SyncFile = fdatasyncFile) {
  const wal = !db.memory && db.pragma('journal_mode', { simple: true }) === 'wal';
  const walPath = `${db.name}-wal`;
  return async function commitDurably<T>(commit: () => T): Promise<T> {
    const level = db.pragma('synchronous', { simple: true }) as number;
    if (!wal || level < FULL) return commit();
    db.pragma(`synchronous = ${NORMAL}`);
    let result: T;
    try {
      result = commit();
    } finally {
      db.pragma(`synchronous = ${level}`);
    }
    await syncFile(walPath);
    return result;
  };
}
