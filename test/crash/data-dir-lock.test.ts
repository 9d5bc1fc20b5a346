/**
 * One owner of the data dir, with real `serve` processes: a second serve on the same data dir
 * refuses in one line naming the first one's pid (exit 2), and while the first is paused by
 * SIGSTOP in the middle of a send (a GC pause, a slow disk, an overlapping restart) the second
 * never takes over its claim, so the shopper gets one reminder, not two. The first one sends
 * through a real SMTP server that holds the message until the test lets it go; the second would
 * use the outbox, where a take-over would show as a second message.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import {
  eventually,
  freePort,
  type ServeChild,
  startCli,
  startServe,
  stopServe,
} from '../support/serve-child.ts';
import { cartEvent } from '../support/signed-event.ts';

const SECRET = 'whsec_lock_test_0123456789abcdef';
const dirs: string[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function baseEnv(dataDir: string): Record<string, string> {
  return {
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: SECRET,
    CR_OWNERS: 'sam:own_lock_test_0123456789abcdef',
    CR_CADENCE: '1s,1h',
    CR_QUIET_HOURS: 'off',
    CR_FREQUENCY_CAP: 'off',
  };
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-lock-'));
  dirs.push(dir);
  return dir;
}

async function serve(env: Record<string, string>): Promise<ServeChild> {
  const served = await startServe(env, await freePort());
  cleanups.push(async () => {
    served.child.kill('SIGCONT');
    await stopServe(served);
  });
  return served;
}

/** A second `serve` on the same data dir: it must exit by itself. */
async function secondServe(env: Record<string, string>) {
  const port = await freePort();
  const cli = startCli(['serve'], {
    ...env,
    CR_PORT: String(port),
    CR_PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  cleanups.push(async () => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  });
  const exit = await Promise.race([
    cli.exited,
    eventually('the second serve to exit or listen', 30_000, () =>
      cli.output().stdout.includes('listening on') ? ('listening' as const) : undefined,
    ),
  ]);
  return { exit, ...cli.output() };
}

/** An SMTP server that takes each message but answers only once `release` is called. */
async function holdingSmtp() {
  const received: string[] = [];
  let release = () => {};
  const released = new Promise<void>((done) => {
    release = done;
  });
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        void released.then(() => callback());
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.server.address() as AddressInfo;
  cleanups.push(async () => {
    release();
    await new Promise<void>((done) => server.close(() => done()));
  });
  return { url: `smtp://127.0.0.1:${port}`, received, release };
}

async function postEvent(base: string): Promise<void> {
  const body = JSON.stringify(cartEvent({ occurredAt: new Date().toISOString() }));
  const res = await fetch(`${base}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cr-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  expect(res.status).toBe(200);
}

function sentRows(dataDir: string): number {
  const db = new Database(join(dataDir, 'cart-recovery.sqlite'), { readonly: true });
  try {
    const row = db
      .prepare("SELECT COUNT(*) AS n FROM audit WHERE action = 'reminder_sent'")
      .get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

function outboxFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'outbox');
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.eml')) : [];
}

describe('two serve processes on one data dir', { timeout: 120_000 }, () => {
  it('the second refuses in one line naming the first one pid, exit 2', async () => {
    const dataDir = tempDir();
    const first = await serve(baseEnv(dataDir));
    const second = await secondServe(baseEnv(dataDir));
    expect(second.exit).toEqual({ code: 2, signal: null });
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`pid ${first.child.pid}`);
    expect(lines[0]).toContain(dataDir);
    // A command that writes takes the lock too, and refuses the same way.
    const suppress = startCli(['suppress', 'c_42', '--by', 'sam'], baseEnv(dataDir));
    expect(await suppress.exited).toEqual({ code: 2, signal: null });
    expect(suppress.output().stderr).toMatch(
      /^cart-recovery: suppress: the data dir .* in use by cart-recovery serve \(pid \d+/,
    );
    // The first one is untouched and still serving.
    expect((await fetch(`${first.base}/health`)).status).toBeLessThan(500);
  });

  it('with the first paused by SIGSTOP mid-send, no duplicate reminder goes out', async () => {
    const dataDir = tempDir();
    const smtp = await holdingSmtp();
    const first = await serve({ ...baseEnv(dataDir), CR_MAIL: smtp.url });
    await postEvent(first.base);
    // Step 1 falls due after a second: the first serve claims it and is sending when we pause it.
    await eventually('the first serve to be mid-send', 30_000, () =>
      smtp.received.length > 0 ? true : undefined,
    );
    first.child.kill('SIGSTOP');

    // An overlapping restart with the outbox: a take-over of the claim would mail from here.
    const second = await secondServe(baseEnv(dataDir));
    if (second.exit === 'listening') {
      // Without the lock it starts, and start-up recovery takes the paused one's claim at once.
      await eventually('a take-over by the second serve', 15_000, () =>
        outboxFiles(dataDir).length > 0 ? true : undefined,
      ).catch(() => undefined);
    }

    first.child.kill('SIGCONT');
    smtp.release();
    await eventually('the first serve to record its send', 30_000, () =>
      sentRows(dataDir) >= 1 ? true : undefined,
    );
    await stopServe(first);
    const mailed = smtp.received.length + outboxFiles(dataDir).length;
    expect(mailed, 'reminders mailed (SMTP + outbox)').toBe(1);
    expect(sentRows(dataDir)).toBe(1);
    expect(second.exit).toEqual({ code: 2, signal: null });
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
  });
});
