import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createOutboxMailer,
  fsyncDirectory,
  outboxFileName,
} from '../../src/adapters/outbox/outbox-mailer.ts';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';
import { runMailerContract } from './mailer.contract.ts';
import { parseMime } from './mime-parse.ts';

function emlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.eml'))
      .sort();
  } catch {
    return [];
  }
}

runMailerContract({
  name: 'outbox',
  async make() {
    const root = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    // A folder that does not exist yet: the mailer creates it.
    const dir = join(root, 'data', 'outbox');
    return {
      mailer: createOutboxMailer({ dir }),
      async received() {
        return emlFiles(dir).map((name) => parseMime(readFileSync(join(dir, name))));
      },
      async close() {
        rmSync(root, { recursive: true, force: true });
      },
    };
  },
});

const email: OutgoingEmail = {
  to: 'sam@example.com',
  from: 'shop@hazel.test',
  subject: 'Hi',
  text: 'hello',
  html: '<p>hello</p>',
  headers: {},
  messageId: '<cr.0123456789abcdef.1@hazel.test>',
};

describe('outbox mailer files', () => {
  it('names files so they sort by send time, leaves no temp files, and reports the path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    try {
      const times = [Date.UTC(2026, 10, 23, 9), Date.UTC(2026, 10, 23, 7), Date.UTC(2027, 0, 1)];
      let i = 0;
      const mailer = createOutboxMailer({ dir, now: () => times[i++] ?? 0 });
      const receipts = [];
      for (const subject of ['nine', 'seven', 'new year']) {
        receipts.push((await mailer.send({ ...email, subject })).receipt);
      }
      expect(readdirSync(dir).filter((n) => !n.endsWith('.eml'))).toEqual([]);
      const ordered = emlFiles(dir).map((n) => parseMime(readFileSync(join(dir, n))).subject);
      expect(ordered).toEqual(['seven', 'nine', 'new year']);
      expect(receipts.map((r) => basename(r)).sort()).toEqual(emlFiles(dir));
      const raw = readFileSync(join(dir, emlFiles(dir)[0] ?? ''), 'utf8');
      expect(raw).toContain('\r\nDate: Mon, 23 Nov 2026 07:00:00 +0000\r\n');
      expect(raw.replace(/\r\n/g, '')).not.toContain('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never reuses a name, even for the same message at the same millisecond', async () => {
    const names = new Set<string>();
    for (let n = 0; n < 500; n++) names.add(outboxFileName(0, email.messageId));
    expect(names.size).toBe(500);
  });

  it('reports an unwritable outbox as a temporary MailDeliveryError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    try {
      // A file where the folder should be: mkdir fails whatever the user's permissions.
      writeFileSync(join(dir, 'file'), '');
      const mailer = createOutboxMailer({ dir: join(dir, 'file', 'outbox') });
      await expect(mailer.send(email)).rejects.toMatchObject({
        name: 'MailDeliveryError',
        permanent: false,
        kind: 'unavailable',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outbox wasSent', () => {
  it('answers from the final file names: sent after the rename, not before, per Message-ID', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    const dir = join(root, 'outbox');
    try {
      const mailer = createOutboxMailer({ dir });
      // No folder yet: nothing was ever sent.
      expect(await mailer.wasSent?.(email.messageId)).toBe(false);
      await mailer.send({ ...email, messageId: '<cr.other.1@hazel.test>' });
      // A temp file a killed send left behind is not a sent message.
      const final = outboxFileName(Date.UTC(2026, 10, 23), email.messageId);
      writeFileSync(join(dir, `.${final}.abcd1234.tmp`), 'half');
      expect(await mailer.wasSent?.(email.messageId)).toBe(false);
      await mailer.send(email);
      expect(await mailer.wasSent?.(email.messageId)).toBe(true);
      expect(await mailer.wasSent?.('<cr.other.1@hazel.test>')).toBe(true);
      expect(await mailer.wasSent?.('<cr.other.2@hazel.test>')).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('throws when it cannot read the outbox, rather than guess', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      const mailer = createOutboxMailer({ dir: join(dir, 'file') });
      await expect(mailer.wasSent?.(email.messageId)).rejects.toMatchObject({ code: 'ENOTDIR' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('outbox folder flush (the rename survives a power cut before the send is recorded)', () => {
  /** A folder flush the test releases or fails by hand. */
  function heldFlush() {
    const waiting: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
    let calls = 0;
    return {
      sync: (_dir: string) =>
        new Promise<void>((resolve, reject) => {
          calls += 1;
          waiting.push({ resolve, reject });
        }),
      calls: () => calls,
      release: () => waiting.shift()?.resolve(),
      fail: (error: Error) => waiting.shift()?.reject(error),
    };
  }
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  };

  it('returns only after a flush that began after its rename; a burst shares two flushes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    try {
      const held = heldFlush();
      const mailer = createOutboxMailer({ dir, syncDirectory: held.sync });
      const done: boolean[] = [];
      const track = (i: number) =>
        mailer.send({ ...email, messageId: `<cr.burst.${i}@hazel.test>` }).then(() => {
          done[i] = true;
        });
      const first = track(0);
      await until(() => held.calls() === 1);
      // Renamed, visible, but not reported sent while its flush is outstanding.
      expect(emlFiles(dir)).toHaveLength(1);
      expect(done[0]).toBeUndefined();
      const rest = [1, 2, 3, 4, 5].map(track);
      await until(() => emlFiles(dir).length === 6);
      // A file is visible as soon as its rename's system call is done, a little before the send's
      // code resumes and asks for a flush: let those completions run (event-loop turns, no clock),
      // so every one of the five has asked before the first flush is let go.
      for (let turn = 0; turn < 10; turn++) await new Promise((r) => setImmediate(r));
      // Their renames came after the running flush began: none may ride on it.
      held.release();
      await first;
      expect(done.slice(1).some(Boolean)).toBe(false);
      await until(() => held.calls() === 2);
      held.release();
      await Promise.all(rest);
      expect(held.calls()).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the send, retryably, when the folder cannot be flushed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    try {
      const held = heldFlush();
      const mailer = createOutboxMailer({ dir, syncDirectory: held.sync });
      const sending = mailer.send(email);
      await until(() => held.calls() === 1);
      held.fail(new Error('EIO: i/o error'));
      await expect(sending).rejects.toMatchObject({
        name: 'MailDeliveryError',
        message: expect.stringContaining('EIO'),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flushes a real folder by default, and reports one that is not there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-outbox-'));
    try {
      await expect(fsyncDirectory(dir)).resolves.toBeUndefined();
      await expect(fsyncDirectory(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
