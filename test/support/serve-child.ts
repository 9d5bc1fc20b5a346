/**
 * A real `node bin/cart-recovery.js ...` child for the end-to-end, crash and security tests: start
 * it, talk to it over HTTP, stop it with SIGTERM or kill it with SIGKILL. Every wait is bounded
 * polling.
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

export interface CliChild {
  readonly child: ChildProcess;
  readonly output: () => { stdout: string; stderr: string };
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node bin/cart-recovery.js <args>` with only PATH, HOME and `env`, its output collected. */
export function startCli(args: readonly string[], env: Record<string, string>): CliChild {
  const child = spawn(process.execPath, ['bin/cart-recovery.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
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
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Resolves once the child has printed that it listens; fails if it exits first. */
export async function untilListening(cli: CliChild): Promise<void> {
  let gone = false;
  void cli.exited.then(() => {
    gone = true;
  });
  await eventually('serve to listen', 30_000, () => {
    if (gone) throw new Error(`serve exited early: ${cli.output().stderr}`);
    return cli.output().stdout.includes('listening on') ? true : undefined;
  });
}

export interface ServeChild extends CliChild {
  readonly base: string;
}

export async function startServe(env: Record<string, string>, port: number): Promise<ServeChild> {
  const base = `http://127.0.0.1:${port}`;
  const cli = startCli(['serve'], { CR_PORT: String(port), CR_PUBLIC_URL: base, ...env });
  await untilListening(cli);
  return { ...cli, base };
}

export async function stopServe(served: ServeChild): Promise<void> {
  if (served.child.exitCode === null && served.child.signalCode === null) {
    served.child.kill('SIGTERM');
  }
  const timeout = sleep(20_000).then(() => served.child.kill('SIGKILL'));
  await Promise.race([served.exited, timeout]);
  await served.exited;
}
