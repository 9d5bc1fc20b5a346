/**
 * Load from a separate, light client process: wrk (C, epoll, one thread), so the load generator
 * neither shares the server's event loop nor costs a second Node process's CPU per request. Each
 * run POSTs a file of pre-signed, distinct events, each once; the script reports wrk's own counts
 * and latency percentiles as one JSON line.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PreparedRequest, Stats } from './lib.ts';

const SCRIPT = join(import.meta.dirname, 'wrk', 'post-each.lua');

function hasWrk(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** wrk from Debian's packages when it is missing (as root, as on CI); else the line to run. */
export function ensureWrk(): void {
  if (hasWrk()) return;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).error === undefined;
  if (!root || !apt) {
    throw new Error(
      'the intake bench drives load with wrk, which is not installed: run `sudo apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`, then `npm run bench` again',
    );
  }
  process.stderr.write('bench: installing wrk from the Debian packages\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'wrk'], {
      stdio: 'inherit',
      env,
    }).status === 0;
  if (!install()) {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (!install()) throw new Error('bench: `apt-get install wrk` failed (see above)');
  }
}

interface WrkReport {
  requests: number;
  durationUs: number;
  connect: number;
  read: number;
  write: number;
  status: number;
  timeout: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
  wrapped: number;
}

export interface WrkOptions {
  readonly connections: number;
  readonly seconds: number;
}

/** One wrk run against 127.0.0.1:port; throws when any answer was not a 2xx or events ran out. */
export async function wrkLoad(
  port: number,
  requests: readonly PreparedRequest[],
  { connections, seconds }: WrkOptions,
): Promise<Stats> {
  const file = join(tmpdir(), `cr-wrk-${process.pid}-${port}-${Date.now()}.tsv`);
  const lines = requests.map((r) => {
    const signature = r.headers['x-cr-signature'] ?? '';
    if (r.body.includes('\n') || signature.includes('\t')) {
      throw new Error('wrkLoad: bodies must be one line and signatures tab-free');
    }
    return `${signature}\t${r.body}`;
  });
  writeFileSync(file, `${lines.join('\n')}\n`);
  try {
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', SCRIPT];
    const out = await run('wrk', [...args, `http://127.0.0.1:${port}/events`, '--', file]);
    const json = out.split('\n').find((line) => line.startsWith('{"requests"'));
    if (json === undefined) throw new Error(`wrk printed no report:\n${out}`);
    const report = JSON.parse(json) as WrkReport;
    const errors = report.connect + report.read + report.write + report.status + report.timeout;
    if (errors > 0) {
      throw new Error(`wrk: ${errors} of ${report.requests} requests failed: ${json}`);
    }
    if (report.wrapped > 0) {
      throw new Error(
        `wrk: the ${requests.length} prepared events ran out (${report.requests} sent); prepare more`,
      );
    }
    const secondsTaken = report.durationUs / 1e6;
    return {
      count: report.requests,
      seconds: secondsTaken,
      perSecond: report.requests / secondsTaken,
      p50Ms: report.p50Us / 1000,
      p99Ms: report.p99Us / 1000,
    };
  } finally {
    rmSync(file, { force: true });
  }
}

function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}: ${err}`)),
    );
  });
}
