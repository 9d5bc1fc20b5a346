/**
 * What a start does for the data dir's one owner: leftover outbox temp files of a killed send
 * are removed, a WAL left by a kill is cut back, a damaged database is refused with the fix,
 * and the WAL stays bounded after a big write instead of keeping its largest size for ever.
 */
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseFileError, openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { DataDirError, openDataDir } from '../../src/cli/data-dir.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-chores-'));
  dirs.push(dir);
  return dir;
}

const walSize = (dbPath: string) => {
  try {
    return statSync(`${dbPath}-wal`).size;
  } catch {
    return 0;
  }
};

describe('start-up chores of the data dir owner', () => {
  it('removes outbox temp files a killed send left, only when it holds the lock', () => {
    const dataDir = tempDir();
    const outbox = join(dataDir, 'outbox');
    mkdirSync(outbox, { recursive: true });
    const leftover = '.2026-11-23T10-00-00-000Z-abc-def.eml.1234abcd.tmp';
    const kept = '2026-11-23T10-00-00-000Z-abc-def.eml';
    for (const name of [leftover, kept]) closeSync(openSync(join(outbox, name), 'w'));

    const reader = openDataDir({ dataDir, freshStart: false });
    reader.db.close();
    expect(readdirSync(outbox).sort()).toEqual([leftover, kept].sort());

    const owner = openDataDir({ dataDir, lock: 'serve', freshStart: false });
    try {
      expect(readdirSync(outbox)).toEqual([kept]);
      expect(owner.warnings).toContain('removed 1 unfinished outbox file(s) left by a crash');
    } finally {
      owner.db.close();
      owner.lock?.release();
    }
  });

  it('cuts back a WAL a killed process left', () => {
    const dataDir = tempDir();
    const dbPath = join(dataDir, 'cart-recovery.sqlite');
    const killed = openDatabase({ path: dbPath });
    // A second open connection keeps the WAL from being checkpointed away on close, as a kill would.
    const other = new Database(dbPath);
    other.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    killed.exec('CREATE TABLE filler (x BLOB); INSERT INTO filler VALUES (zeroblob(2000000))');
    killed.close();
    expect(walSize(dbPath)).toBeGreaterThan(2_000_000);
    const opened = openDataDir({ dataDir, lock: 'serve', freshStart: true });
    try {
      expect(walSize(dbPath)).toBe(0);
    } finally {
      opened.db.close();
      opened.lock?.release();
      other.close();
    }
  });

  it('keeps the WAL within its limit after a write bigger than the limit', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const db = openDatabase({ path: dbPath });
    try {
      db.exec('CREATE TABLE filler (x BLOB)');
      const insert = db.prepare('INSERT INTO filler VALUES (zeroblob(1000000))');
      db.transaction(() => {
        for (let i = 0; i < 40; i++) insert.run();
      })();
      // The WAL is cut back when the next write starts it over, after the checkpoint.
      db.exec('DELETE FROM filler');
      expect(walSize(dbPath)).toBeLessThanOrEqual(16 * 1024 * 1024);
    } finally {
      db.close();
    }
  });

  it('refuses a database that fails its quick_check, naming the file and the fix', () => {
    const dbPath = join(tempDir(), 'db.sqlite');
    const db = openDatabase({ path: dbPath });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t (v)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 5000; i++) insert.run(`value ${i} ${'x'.repeat(50)}`);
    })();
    db.close();
    // Scribble over one whole page of t's rows, near the end: the file still opens, its header and
    // schema pages (at the front, more of them with each migration) are intact.
    const pages = Math.floor(statSync(dbPath).size / 4096);
    const fd = openSync(dbPath, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xff), 0, 4096, 4096 * (pages - 10));
    closeSync(fd);
    expect(() => openDatabase({ path: dbPath, check: true })).toThrow(DatabaseFileError);
    expect(() => openDatabase({ path: dbPath, check: true })).toThrow(
      /db\.sqlite failed its integrity check .*restore SRC/,
    );
    expect(() => openDatabase({ path: dbPath, check: true })).not.toThrow(/\n/);
  });

  it('names a data dir that cannot be made, in one line with the fix', () => {
    const file = join(tempDir(), 'not-a-dir');
    closeSync(openSync(file, 'w'));
    const dataDir = join(file, 'data');
    expect(() => openDataDir({ dataDir, lock: 'serve', freshStart: false })).toThrow(DataDirError);
    expect(() => openDataDir({ dataDir, freshStart: false })).toThrow(
      /data: ENOTDIR .*check that CR_DATA_DIR .* is writable by this user/,
    );
  });
});
