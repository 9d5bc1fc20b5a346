/**
 * The default local mailer: every message becomes one `.eml` file in a folder, real MIME that any
 * mail client opens. Names start with the send time, so `ls` lists them in order, and end with a
 * hash of the Message-ID and a random tag, so they never collide. Each file appears whole or not
 * at all: it is written under a dot-name, flushed, then renamed into place, and the folder is
 * flushed before send returns, so the rename survives a power cut too (the caller records the send
 * next; a record without its file would be a reminder that never existed). That makes the outbox
 * the one mailer that can answer wasSent for sure, by looking for the hash in the final names.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingEmail, SentEmail } from '../../ports/mailer.ts';
import { MailDeliveryError } from '../mime/mail-message.ts';
import { buildMime } from '../mime/mime-build.ts';
import { createFileWriters, type FileWriters } from './outbox-writers.ts';

export { MailDeliveryError } from '../mime/mail-message.ts';
export { createFileWriters, type FileWriters, OutboxWriteError } from './outbox-writers.ts';

export interface OutboxMailerOptions {
  readonly dir: string;
  /** Epoch ms for the Date header and the file name; the demo passes its simulated clock. */
  readonly now?: () => number;
  /** Flushes a folder's entries to disk; injectable so tests can hold or fail it. */
  readonly syncDirectory?: (dir: string) => Promise<void>;
  /** Threads writing and fsyncing files, so many fsyncs of a burst are in flight at once. */
  readonly writerThreads?: number;
  /** Writes a burst's files; injectable so tests can fail some of them. */
  readonly fileWriters?: FileWriters;
}

/**
 * Enough fsyncs in flight for the disk to batch them into fewer journal commits. A burst of 128
 * files (medians of 5, on the shared 2-core bench machine while other benches ran): 57 ms on
 * libuv's 4 pool threads, 49 ms on 8 writer threads, 43 ms on 16; 8 because each thread is a
 * small V8 isolate, and the main-thread saving (one message per share, not five pool round trips
 * per file) is had with any number.
 */
const DEFAULT_WRITER_THREADS = 8;

/** fsync on the folder itself, which makes its renames durable (Linux, macOS). */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    // Windows cannot open a folder as a file; NTFS journals the rename itself.
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Concurrent sends share folder flushes: one runs at a time, and every rename made while it runs
 * waits for the single next one, which starts after them. So a burst of N sends costs about two
 * folder fsyncs, not N, and no send returns before a flush that began after its own rename.
 */
function sharedFlush(dir: string, syncDirectory: (dir: string) => Promise<void>) {
  let running: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const start = () => {
    const run = syncDirectory(dir).finally(() => {
      if (running === run) running = null;
    });
    running = run;
    return run;
  };
  return function flush(): Promise<void> {
    if (next !== null) return next;
    if (running === null) return start();
    const after = running
      .catch(() => undefined)
      .then(() => {
        next = null;
        return start();
      });
    next = after;
    return after;
  };
}

function messageIdHash(messageId: string): string {
  return createHash('sha256').update(messageId).digest('hex').slice(0, 12);
}

export function outboxFileName(sentAt: number, messageId: string): string {
  // 2026-11-23T07-58-00-000Z: ISO order is time order, and no ':' for Windows file systems.
  const stamp = new Date(sentAt).toISOString().replace(/[:.]/g, '-');
  return `${stamp}-${messageIdHash(messageId)}-${randomBytes(3).toString('hex')}.eml`;
}

/**
 * Sent means a final-named file with this Message-ID's hash exists. The rename is the send, so a
 * crash leaves either that file or only a dot-named temp file, which does not count.
 */
async function outboxHolds(dir: string, messageId: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    // No outbox folder yet: nothing was ever sent. Any other failure means "cannot tell".
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const tag = `-${messageIdHash(messageId)}-`;
  return names.some((name) => !name.startsWith('.') && name.endsWith('.eml') && name.includes(tag));
}

/**
 * Removes the dot-named temp files a killed send left behind (they never count as sent, and a
 * full disk needs their space). Only safe while no send can be writing: the caller holds the data
 * dir's lock. Returns how many were removed.
 */
export function removeOutboxLeftovers(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  const leftovers = names.filter((name) => name.startsWith('.') && name.endsWith('.tmp'));
  for (const name of leftovers) rmSync(join(dir, name), { force: true });
  return leftovers.length;
}

interface Queued {
  readonly name: string;
  readonly text: string;
  resolve(path: string): void;
  reject(error: unknown): void;
}

/**
 * A waiter burst: sends asked for in the same event-loop turn (the waiters of one claimed batch
 * reach their send together) write and fsync their files in parallel on the writer threads, then
 * share ONE folder flush, and only then are all reported sent, together, so their records share
 * one SQLite commit too. A file that failed to write fails its own send only; a failed folder
 * flush fails every send of the burst (none of their renames is known to be durable).
 */
function burstWriter(dir: string, writers: FileWriters, flushFolder: () => Promise<void>) {
  let queued: Queued[] = [];
  async function writeBurst(burst: readonly Queued[]): Promise<void> {
    const files = burst.map(({ name, text }) => ({
      temp: join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`),
      target: join(dir, name),
      text,
    }));
    let failures: ReadonlyArray<Error | null>;
    try {
      failures = await writers.write(files);
    } catch (error) {
      for (const item of burst) item.reject(error);
      return;
    }
    const renamed = burst.filter((item, i) => {
      const failure = failures[i] ?? null;
      if (failure !== null) item.reject(failure);
      return failure === null;
    });
    if (renamed.length === 0) return;
    try {
      // Begins after every rename above: sharedFlush never lets a later rename ride an earlier flush.
      await flushFolder();
    } catch (error) {
      for (const item of renamed) item.reject(error);
      return;
    }
    for (const item of renamed) item.resolve(join(dir, item.name));
  }
  return function write(name: string, text: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      queued.push({ name, text, resolve, reject });
      if (queued.length > 1) return;
      setImmediate(() => {
        const burst = queued;
        queued = [];
        void writeBurst(burst);
      });
    });
  };
}

export interface OutboxMailer extends Mailer {
  /** Starts the writer threads ahead of the first send (a service starting its timer loop). */
  startWriters(): void;
}

export function createOutboxMailer(options: OutboxMailerOptions): OutboxMailer {
  const now = options.now ?? Date.now;
  const flushFolder = sharedFlush(options.dir, options.syncDirectory ?? fsyncDirectory);
  const writers =
    options.fileWriters ?? createFileWriters(options.writerThreads ?? DEFAULT_WRITER_THREADS);
  const write = burstWriter(options.dir, writers, flushFolder);
  let ready: Promise<unknown> | null = null;

  return {
    async send(email: OutgoingEmail): Promise<SentEmail> {
      const sentAt = now();
      // Built before anything touches the disk: an unsafe message is refused, permanently.
      const raw = buildMime(email, new Date(sentAt));
      ready ??= mkdir(options.dir, { recursive: true });
      try {
        await ready;
        return { receipt: await write(outboxFileName(sentAt, email.messageId), raw) };
      } catch (error) {
        ready = null;
        // A full disk or a missing permission may clear up; the caller can retry.
        throw new MailDeliveryError(
          `could not write to the outbox ${options.dir}: ${(error as Error).message}`,
          { permanent: false, kind: 'unavailable' },
          { cause: error },
        );
      }
    },

    wasSent(messageId: string): Promise<boolean> {
      return outboxHolds(options.dir, messageId);
    },

    startWriters() {
      writers.start?.();
    },
  };
}
