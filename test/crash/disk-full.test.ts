/**
 * Degraded, not dead: a disk that fills up while a serve holds leased, claimed wake-ups, then a
 * restart (a kill, a supervisor). The restart must come up on the full disk: reads and owner
 * pages answer, writes answer 503 with Retry-After, start-up recovery backs off instead of
 * crash-looping; once space returns, the claim is settled and the reminder goes out, and writes
 * are taken again. The disk is a real 3 MB tmpfs (we run as root); the first serve is held
 * mid-send by an SMTP server that never answers, so its wake-up is leased and its step claimed
 * at the kill.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { eventually, freePort, startServe, stopServe } from '../support/serve-child.ts';
import { cartEvent } from '../support/signed-event.ts';

const SECRET = 'whsec_disk_full_0123456789abcdef';
const OWNER = 'own_disk_full_0123456789abcdef';
const mountPoint = mkdtempSync(join(tmpdir(), 'cr-diskfull-'));
const dataDir = join(mountPoint, 'data');

beforeAll(() => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]);
  mkdirSync(dataDir);
});
afterAll(() => {
  execFileSync('umount', ['-l', mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

const env = {
  CR_DATA_DIR: dataDir,
  CR_WEBHOOK_SECRET: SECRET,
  CR_OWNERS: `sam:${OWNER}`,
  CR_CADENCE: '1s,1h',
  CR_QUIET_HOURS: 'off',
  CR_FREQUENCY_CAP: 'off',
};

let eventCount = 0;
async function post(base: string, cartId: string) {
  const body = JSON.stringify(
    cartEvent({
      id: `evt_full_${eventCount++}`,
      occurredAt: new Date().toISOString(),
      cart: { id: cartId },
    }),
  );
  return fetch(`${base}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cr-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
}

/** Writes a filler file until the file system says ENOSPC; removing it gives the space back. */
function fillDisk(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

async function silentSmtp() {
  let seen = 0;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream) {
      stream.on('data', () => {});
      stream.on('end', () => {
        seen++;
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    seen: () => seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const outboxFiles = () =>
  existsSync(join(dataDir, 'outbox'))
    ? readdirSync(join(dataDir, 'outbox')).filter((name) => name.endsWith('.eml'))
    : [];

describe('a restart on a full disk with wake-ups leased', { timeout: 180_000 }, () => {
  it('comes up, reads work, writes answer 503, and it recovers when space returns', async () => {
    const smtp = await silentSmtp();
    const first = await startServe({ ...env, CR_MAIL: smtp.url }, await freePort());
    try {
      expect((await post(first.base, 'c_42')).status).toBe(200);
      await eventually('the first serve to be mid-send', 30_000, () =>
        smtp.seen() > 0 ? true : undefined,
      );
      fillDisk(join(mountPoint, 'filler'));
      first.child.kill('SIGKILL');
      await first.exited;
    } finally {
      await smtp.close();
    }

    const second = await startServe(env, await freePort());
    try {
      expect(second.output().stdout).toMatch(/warning +low disk space/);
      const owner = { authorization: `Bearer ${OWNER}` };
      const read = await fetch(`${second.base}/owner/api/carts/c_42`, { headers: owner });
      expect(read.status).toBe(200);
      expect((await fetch(`${second.base}/owner`, { headers: owner })).status).toBeLessThan(500);
      const refused = await post(second.base, 'c_43');
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('30');
      // A write through the Hono app (the owner API) maps the same way, in the one onError.
      const suppress = await fetch(`${second.base}/owner/api/carts/c_42/suppress`, {
        method: 'POST',
        headers: { ...owner, 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'sam' }),
      });
      expect(suppress.status).toBe(503);
      expect(suppress.headers.get('retry-after')).toBe('30');
      await eventually('start-up recovery to report its back-off', 30_000, () =>
        /claiming due wake-ups failed, retrying in \d+ ms/.test(second.output().stderr)
          ? true
          : undefined,
      );
      expect(outboxFiles()).toEqual([]);

      rmSync(join(mountPoint, 'filler'));
      await eventually('the claimed step to go out once space is back', 60_000, () =>
        outboxFiles().length === 1 ? true : undefined,
      );
      expect((await post(second.base, 'c_43')).status).toBe(200);
      const cart = (await (
        await fetch(`${second.base}/owner/api/carts/c_42`, { headers: owner })
      ).json()) as { cart: { remindersSent: number } };
      expect(cart.cart.remindersSent).toBe(1);
    } finally {
      await stopServe(second);
    }
    expect(second.child.exitCode).toBe(0);
  });

  it('comes up on a full disk after a clean stop too, without room for the WAL index', async () => {
    // The first test stopped cleanly: no -wal or -shm left, and none can be made now.
    expect(existsSync(join(dataDir, 'cart-recovery.sqlite-shm'))).toBe(false);
    fillDisk(join(mountPoint, 'filler'));
    const served = await startServe(env, await freePort());
    try {
      expect(served.output().stdout).toMatch(/warning +.*-shm could not be created \(disk full\)/);
      const owner = { authorization: `Bearer ${OWNER}` };
      const read = await fetch(`${served.base}/owner/api/carts/c_42`, { headers: owner });
      expect(read.status).toBe(200);
      expect((await post(served.base, 'c_44')).status).toBe(503);
      rmSync(join(mountPoint, 'filler'));
      expect((await post(served.base, 'c_44')).status).toBe(200);
    } finally {
      await stopServe(served);
    }
    expect(served.child.exitCode).toBe(0);
  });
});
