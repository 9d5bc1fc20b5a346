/**
 * Waiter bursts in the outbox: sends asked for together write their files in parallel on the
 * writer threads and share one folder flush; none is reported sent before that flush, a file
 * that fails fails only its own send, and idle writer threads never keep a process alive.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFileWriters,
  createOutboxMailer,
  type FileWriters,
  OutboxWriteError,
} from '../../src/adapters/outbox/outbox-mailer.ts';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';

const email = (i: number): OutgoingEmail => ({
  to: `shopper${i}@example.com`,
  from: 'shop@hazel.test',
  subject: `burst ${i}`,
  text: 'hello',
  html: '<p>hello</p>',
  headers: {},
  messageId: `<cr.burst${i}.1@hazel.test>`,
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-burst-'));
  dirs.push(dir);
  return dir;
}
const emls = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.eml'));

describe('outbox bursts', () => {
  it('sends asked for together share ONE folder flush, and none returns before it', async () => {
    const dir = tempDir();
    let flushes = 0;
    let release = () => {};
    const seenAtFlush: number[] = [];
    const mailer = createOutboxMailer({
      dir,
      syncDirectory: () => {
        flushes += 1;
        seenAtFlush.push(emls(dir).length);
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });
    const done: number[] = [];
    const sends = Array.from({ length: 20 }, (_, i) =>
      mailer.send(email(i)).then(() => done.push(i)),
    );
    for (let turn = 0; turn < 500 && flushes === 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Every file of the burst was renamed into place before the one flush began...
    expect(seenAtFlush).toEqual([20]);
    for (let turn = 0; turn < 10; turn++) await new Promise((r) => setImmediate(r));
    // ...and not one send counts as done until that flush has finished.
    expect(done).toEqual([]);
    release();
    await Promise.all(sends);
    expect(done).toHaveLength(20);
    expect(flushes).toBe(1);
  });

  it('a file that fails to write fails its own send only, and leaves nothing behind', async () => {
    const dir = tempDir();
    const real = createFileWriters(2);
    // The disk refuses the third file of the burst (ENOSPC); the other files are real.
    const writers: FileWriters = {
      async write(files) {
        const results = await real.write(files.filter((_, i) => i !== 2));
        results.splice(2, 0, new OutboxWriteError('ENOSPC: no space left on device', 'ENOSPC'));
        return results;
      },
    };
    const mailer = createOutboxMailer({ dir, fileWriters: writers });
    const outcomes = await Promise.allSettled([0, 1, 2, 3].map((i) => mailer.send(email(i))));
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(outcomes[2]).toMatchObject({
      reason: { name: 'MailDeliveryError', permanent: false, kind: 'unavailable' },
    });
    expect(emls(dir)).toHaveLength(3);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('a real write failure comes back per file with its code', async () => {
    const dir = tempDir();
    const writers = createFileWriters(2);
    const results = await writers.write([
      { temp: join(dir, '.a.tmp'), target: join(dir, 'a.eml'), text: 'a' },
      { temp: join(dir, 'missing', '.b.tmp'), target: join(dir, 'missing', 'b.eml'), text: 'b' },
    ]);
    expect(results[0]).toBeNull();
    expect(results[1]).toMatchObject({ name: 'OutboxWriteError', code: 'ENOENT' });
    expect(readdirSync(dir)).toEqual(['a.eml']);
  });

  it('idle writer threads do not keep the process alive', () => {
    const dir = tempDir();
    const mailer = fileURLToPath(
      new URL('../../src/adapters/outbox/outbox-mailer.ts', import.meta.url),
    );
    const script = `
      const { createOutboxMailer } = await import(${JSON.stringify(mailer)});
      const m = createOutboxMailer({ dir: ${JSON.stringify(dir)} });
      await m.send(${JSON.stringify(email(1))});
      console.log('sent');`;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    // Killed by the timeout (a thread holding the process open) would leave status null.
    expect(child.stdout).toContain('sent');
    expect(child.status).toBe(0);
    expect(emls(dir)).toHaveLength(1);
  });
});
