/**
 * A few threads that write `.eml` files with blocking calls: open a dot-named temp file, write,
 * fsync, close, rename into place. Why threads of our own and not fs/promises: an fsync holds a
 * thread of libuv's pool for its whole length, the pool has 4 threads unless UV_THREADPOOL_SIZE
 * was set before the process started (Node's own module loading starts the pool, so it cannot be
 * raised from inside), so at most 4 fsyncs were ever in flight. Each writer here keeps one fsync
 * in flight, so N writers give N; and a whole share of a burst is one message each way, not five
 * thread-pool round trips per file on the main thread.
 *
 * The thread's code is plain JavaScript given as a string, so it runs the same under tsx, vitest
 * and a bundle, with no loader. Threads start on the first write and do not keep the process
 * alive while idle.
 */
import { Worker } from 'node:worker_threads';

export interface FileWrite {
  /** The dot-named temp path, in the same folder as the target (so the rename is atomic). */
  readonly temp: string;
  readonly target: string;
  readonly text: string;
}

/** Why one file was not written: the system call's message and code (ENOSPC, EACCES...). */
export class OutboxWriteError extends Error {
  override readonly name = 'OutboxWriteError';
  readonly code: string | null;
  constructor(message: string, code: string | null, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

// Each file whole or not at all: the data is fsynced before the rename makes it visible, and a
// failed file leaves no temp behind (removeOutboxLeftovers sweeps what a kill leaves).
const WRITER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
function writeOne({ temp, target, text }) {
  let fd;
  try {
    fd = fs.openSync(temp, 'wx');
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
    return null;
  } catch (error) {
    if (fd !== undefined) { try { fs.closeSync(fd); } catch {} }
    try { fs.rmSync(temp, { force: true }); } catch {}
    return { message: String(error && error.message), code: (error && error.code) || null };
  }
}
parentPort.on('message', ({ id, files }) => {
  parentPort.postMessage({ id, results: files.map(writeOne) });
});
`;

type Outcome = { message: string; code: string | null } | null;
interface Job {
  resolve(results: Outcome[]): void;
  reject(error: unknown): void;
}

/** One writer thread and the jobs it holds; it is referenced only while it holds some. */
function startWriter(onGone: () => void) {
  const worker = new Worker(WRITER_SOURCE, { eval: true, execArgv: [] });
  const jobs = new Map<number, Job>();
  let nextId = 0;
  let gone = false;
  const failAll = (error: unknown) => {
    gone = true;
    onGone();
    for (const job of jobs.values()) job.reject(error);
    jobs.clear();
  };
  worker.on('message', ({ id, results }: { id: number; results: Outcome[] }) => {
    jobs.get(id)?.resolve(results);
    jobs.delete(id);
    if (jobs.size === 0) worker.unref();
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`outbox writer thread exited with code ${code}`)));
  // After the listeners: adding a 'message' listener refs the thread's port again.
  worker.unref();
  return {
    get gone() {
      return gone;
    },
    run(files: readonly FileWrite[]): Promise<Outcome[]> {
      return new Promise<Outcome[]>((resolve, reject) => {
        const id = nextId++;
        jobs.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, files });
      });
    },
  };
}

export interface FileWriters {
  /** Writes every file; per file, null when it is in place and durable, or why it is not. */
  write(files: readonly FileWrite[]): Promise<Array<OutboxWriteError | null>>;
  /**
   * Starts the threads now rather than at the first write: starting them takes a few hundred ms
   * on a busy machine, which the first burst of a running service should not wait for.
   */
  start?(): void;
}

export function createFileWriters(count: number): FileWriters {
  let writers: Array<ReturnType<typeof startWriter>> = [];
  const forget = () => {
    writers = writers.filter((writer) => !writer.gone);
  };
  const start = () => {
    while (writers.length < count) writers.push(startWriter(forget));
  };
  return {
    start,
    async write(files) {
      start();
      const pool = writers;
      const shares: FileWrite[][] = pool.map(() => []);
      files.forEach((file, i) => {
        shares[i % pool.length]?.push(file);
      });
      const results: Array<OutboxWriteError | null> = files.map(() => null);
      await Promise.all(
        pool.map(async (writer, w) => {
          const share = shares[w] ?? [];
          if (share.length === 0) return;
          let outcomes: Outcome[];
          try {
            outcomes = await writer.run(share);
          } catch (error) {
            // A thread that died mid-share: none of its files is known to be whole.
            outcomes = share.map(() => ({ message: (error as Error).message, code: null }));
          }
          outcomes.forEach((outcome, k) => {
            if (outcome !== null) {
              results[w + k * pool.length] = new OutboxWriteError(outcome.message, outcome.code);
            }
          });
        }),
      );
      return results;
    },
  };
}
