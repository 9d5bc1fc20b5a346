/**
 * Send failures against a real SMTP server (smtp-server on loopback): a permanent refusal is one
 * attempt, audited with the server's reason and logged without the address; a temporary one is
 * retried until it goes; a refused login is a configuration problem and keeps being retried.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/adapters/smtp/smtp-mailer.ts';
import { describeEntry } from '../../src/domain/story.ts';
import { cartEvent } from '../support/signed-event.ts';
import { type LogLine, openObservedRuntime } from './observed-runtime.ts';

const H = 3_600_000;
const SHOPPER = 'sam@example.com';
const USER = 'shop';
const PASS = 'right-password';

interface Server {
  readonly port: number;
  /** RCPT TO attempts per address, refused or not. */
  readonly rcpts: Map<string, number>;
  readonly logins: { count: number };
  readonly delivered: string[][];
  close(): Promise<void>;
}

/**
 * Refuses RCPT TO for `address` with `code` for its first `times` attempts (Infinity: always),
 * quoting the address the way real servers do ("550 5.1.1 <sam@example.com>: ...").
 */
async function startServer(refuse: { code: number; times: number } | null): Promise<Server> {
  const rcpts = new Map<string, number>();
  const logins = { count: 0 };
  const delivered: string[][] = [];
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      logins.count++;
      if (auth.username === USER && auth.password === PASS) return callback(null, { user: USER });
      return callback(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const seen = (rcpts.get(address.address) ?? 0) + 1;
      rcpts.set(address.address, seen);
      if (refuse === null || seen > refuse.times) return callback();
      const words = refuse.code >= 500 ? 'mailbox unavailable' : 'try again later';
      const text = `<${address.address}>: ${words}`;
      return callback(Object.assign(new Error(text), { responseCode: refuse.code }));
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        delivered.push(session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    rcpts,
    logins,
    delivered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let server: Server | undefined;
let rt: ReturnType<typeof openObservedRuntime> | undefined;
afterEach(async () => {
  await rt?.shutdown();
  await server?.close();
  rt = undefined;
  server = undefined;
});

function openWithSmtp(smtp: Server, password = PASS) {
  const url = `smtp://${USER}:${password}@127.0.0.1:${smtp.port}`;
  const mailers: Array<ReturnType<typeof createSmtpMailer>> = [];
  const opened = openObservedRuntime({
    mailer: (now) => {
      const mailer = createSmtpMailer({ url, now });
      mailers.push(mailer);
      return mailer;
    },
  });
  const shutdown = opened.shutdown;
  return {
    ...opened,
    async shutdown() {
      for (const mailer of mailers) mailer.close();
      await shutdown();
    },
  };
}

const failures = (lines: LogLine[]) => lines.filter((l) => l.event === 'reminder.send_failed');
const actions = async (cartId: string) =>
  (await rt?.store.auditFor(cartId))?.map((r) => `${r.action}${r.reason ? `:${r.reason}` : ''}`);

describe('a permanent refusal (550) is tried once, audited and logged', () => {
  it('one RCPT attempt, a send_refused audit row with the reason, one log line, no retries to give-up', async () => {
    server = await startServer({ code: 550, times: Number.POSITIVE_INFINITY });
    rt = openWithSmtp(server);
    expect((await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }))).status).toBe(200);
    await rt.advance(8 * 24 * H, 15 * 60_000);

    expect(server.rcpts.get(SHOPPER)).toBe(1);
    expect(server.delivered).toEqual([]);
    expect(
      (await actions('c_42'))?.map((a) => (a.split(':')[0] === 'bounced' ? 'bounced' : a)),
    ).toEqual(['bounced', 'skipped:send_refused', 'expired:gave_up']);
    const refused = (await rt.store.auditFor('c_42')).find((r) => r.reason === 'send_refused');
    expect(refused?.detail).toMatchObject({ step: 1 });
    expect(String(refused?.detail?.error)).toContain('mailbox unavailable');
    // What `cart-recovery audit c_42` and the owner's timeline say about it.
    expect(refused && describeEntry(refused, 'UTC')).toBe(
      'reminder 1 skipped on the 23rd Nov 2026 at 11:00 (the mail server refused it for good, so it is not tried again)',
    );

    const lines = failures(rt.lines());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      cartId: 'c_42',
      step: 1,
      permanent: true,
      kind: 'rejected',
      code: 550,
      retryAt: null,
    });
    expect(String(lines[0]?.reason)).toBe('550 <[address]>: mailbox unavailable');
    // The server quoted the address; no line carries it.
    expect(rt.raw.join('')).not.toContain(SHOPPER);
  });
});

describe('a temporary refusal (421) is retried', () => {
  it('two refusals, retried 15 minutes apart, then sent once and logged as sent', async () => {
    server = await startServer({ code: 421, times: 2 });
    rt = openWithSmtp(server);
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(2 * H);

    expect(server.rcpts.get(SHOPPER)).toBe(3);
    expect(server.delivered).toEqual([[SHOPPER]]);
    expect(await actions('c_42')).toEqual([
      'reminder_held:send_failed',
      'reminder_held:send_failed',
      'reminder_sent:gate open',
    ]);
    const lines = rt.lines();
    expect(failures(lines).map((l) => [l.permanent, l.code, l.retryAt])).toEqual([
      [false, 421, '2026-11-23T11:15:00.000Z'],
      [false, 421, '2026-11-23T11:30:00.000Z'],
    ]);
    const sent = lines.filter((l) => l.event === 'reminder.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ level: 'info', cartId: 'c_42', step: 1, lateSeconds: 1800 });
    const audited = (await rt.store.auditFor('c_42')).find((r) => r.action === 'reminder_sent');
    expect(sent[0]?.messageId).toBe(audited?.detail?.messageId);
    expect(await rt.unsubscribes.get(SHOPPER)).toBeNull();
    expect(rt.raw.join('')).not.toContain(SHOPPER);
  });
});

describe('a refused login (535) is the store’s configuration, not the cart’s', () => {
  it('keeps the step and retries it every 15 minutes, logged as an error', async () => {
    server = await startServer(null);
    rt = openWithSmtp(server, 'wrong-password');
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(2 * H);

    // Tries at 11:00, 11:15, 11:30, 11:45 and 12:00.
    expect(server.logins.count).toBe(5);
    const lines = failures(rt.lines());
    expect(lines.map((l) => [l.level, l.kind, l.permanent])).toEqual(
      Array.from({ length: 5 }, () => ['error', 'auth', false]),
    );
    expect(rt.raw.join('')).not.toContain('wrong-password');
    const cart = await rt.store.get('c_42');
    expect(cart).toMatchObject({ status: 'open', remindersSent: 0, claimedStep: null });
    expect(cart?.wakeAt).toBe(Date.parse('2026-11-23T12:15:00Z'));
  });
});
