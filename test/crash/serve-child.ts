/**
 * A real `node bin/cart-recovery.js serve` child for the crash and security tests: start it, talk
 * to it over HTTP, stop it with SIGTERM or kill it with SIGKILL. Every wait is bounded polling.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Polls `check` every 100 ms until it returns a value, for at most `limitMs`. */
export async function eventually<T>(
  what: string,
  limitMs: number,
  check: () => T | undefined | Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(100);
  }
}

export interface ServeChild {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: () => { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startServe(env: Record<string, string>, port: number): Promise<ServeChild> {
  const child = spawn(process.execPath, ['bin/cart-recovery.js', 'serve'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      CR_PORT: String(port),
      CR_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  await eventually('serve to listen', 30_000, () => {
    if (gone) throw new Error(`serve exited early: ${stderr}`);
    return stdout.includes('listening on') ? true : undefined;
  });
  return { child, base: `http://127.0.0.1:${port}`, output: () => ({ stdout, stderr }), exited };
}

export async function stopServe(served: ServeChild): Promise<void> {
  if (served.child.exitCode === null && served.child.signalCode === null) {
    served.child.kill('SIGTERM');
  }
  const timeout = sleep(20_000).then(() => served.child.kill('SIGKILL'));
  await Promise.race([served.exited, timeout]);
  await served.exited;
}
