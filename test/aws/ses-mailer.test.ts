import {
  AccountSuspendedException,
  LimitExceededException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSesMailer,
  DEFAULT_THROTTLE_RETRY,
  MailDeliveryError,
  type SesThrottleRetry,
} from '../../src/adapters/ses/ses-mailer.ts';
import { createUsageCounter } from '../../src/adapters/usage/usage-counter.ts';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';

const ses = mockClient(SESv2Client);
const meta = { $metadata: {} };

const email: OutgoingEmail = {
  to: 'sam@example.com',
  from: 'Linen & Co <hello@shop.example>',
  subject: 'You left these behind',
  text: 'Your cart: 1 x Linen shirt, 59.00 USD.\nBack to your cart: https://shop.example/c?t=abc\n',
  html: '<p>Your cart: 1 x <b>Linen shirt</b>, 59.00 USD.</p><p><a href="https://shop.example/c?t=abc">Back to your cart</a></p>',
  headers: {
    'List-Unsubscribe': '<https://shop.example/unsubscribe?t=tok123>',
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  },
  messageId: '<c_42.1@shop.example>',
};

/** The waits a mailer asked for; none is slept, so no test waits. */
function make(retry: Partial<SesThrottleRetry> = {}) {
  const usage = createUsageCounter();
  const waits: number[] = [];
  const mailer = createSesMailer({
    client: new SESv2Client({ region: 'eu-west-1' }),
    configurationSet: 'cr-feedback',
    usage,
    clock: { now: () => Date.UTC(2026, 10, 23, 9, 0, 0) },
    throttleRetry: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...retry,
    },
  });
  return { mailer, usage, waits };
}

const tooMany = () => new TooManyRequestsException({ message: 'slow down', ...meta });
const named = (name: string, message: string) => Object.assign(new Error(message), { name });

/** Splits the raw message into its header block and the bodies of its MIME parts, decoded. */
function decode(raw: Uint8Array) {
  const text = Buffer.from(raw).toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  const body = text.slice(end + 4);
  const headers = text.slice(0, end).replace(/\r\n[ \t]+/g, ' ');
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(headers)?.[1] ?? '';
  const parts = body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const split = part.indexOf('\r\n\r\n');
      const partHead = part.slice(0, split);
      let content = part.slice(split + 4).replace(/\r\n$/, '');
      if (/quoted-printable/i.test(partHead)) {
        content = Buffer.from(
          content
            .replace(/=\r\n/g, '')
            .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(Number.parseInt(hex, 16))),
          'latin1',
        ).toString('utf8');
      } else if (/base64/i.test(partHead)) {
        content = Buffer.from(content, 'base64').toString('utf8');
      }
      return {
        type: /content-type:\s*([^;\r\n]+)/i.exec(partHead)?.[1],
        content: content.replace(/\r\n/g, '\n'),
      };
    });
  return { headers, parts };
}

describe('SES mailer', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('sends one raw MIME message with both parts and the one-click unsubscribe headers', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0102018c-abc', ...meta });
    const { mailer, usage } = make();
    expect(await mailer.send(email)).toEqual({ receipt: 'ses:0102018c-abc' });

    const input = ses.commandCalls(SendEmailCommand)[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('cr-feedback');
    expect(input?.Destination).toEqual({ ToAddresses: ['sam@example.com'] });
    const raw = input?.Content?.Raw?.Data;
    if (raw === undefined) throw new Error('no raw message sent');
    const { headers, parts } = decode(raw);
    expect(headers).toContain('List-Unsubscribe: <https://shop.example/unsubscribe?t=tok123>');
    expect(headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(headers).toContain('Message-ID: <c_42.1@shop.example>');
    expect(headers).toContain('To: sam@example.com');
    expect(headers).toContain('Subject: You left these behind');
    expect(headers).toMatch(/Content-Type: multipart\/alternative/);
    expect(parts).toEqual([
      { type: 'text/plain', content: email.text },
      { type: 'text/html', content: email.html },
    ]);
    expect(usage.snapshot().ses).toEqual({ SendEmail: 1 });
  });

  it('refuses a header carrying a line break before calling SES', async () => {
    const { mailer } = make();
    const smuggled = {
      ...email,
      headers: { 'List-Unsubscribe': '<https://x>\r\nBcc: all@example.com' },
    };
    await expect(mailer.send(smuggled)).rejects.toMatchObject({
      name: 'MailDeliveryError',
      permanent: true,
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it.each([
    [
      'MessageRejected',
      new MessageRejected({ message: 'Email address is not verified.', ...meta }),
      true,
    ],
    ['AccountSuspended', new AccountSuspendedException({ message: 'suspended', ...meta }), true],
    ['SendingPaused', new SendingPausedException({ message: 'paused', ...meta }), false],
    ['TooManyRequests', new TooManyRequestsException({ message: 'slow down', ...meta }), false],
  ])('maps %s to a MailDeliveryError with permanent = %s', async (_name, error, permanent) => {
    ses.on(SendEmailCommand).rejects(error);
    const sending = make().mailer.send(email);
    await expect(sending).rejects.toBeInstanceOf(MailDeliveryError);
    await expect(sending).rejects.toMatchObject({ permanent, cause: error });
  });

  it('treats an SDK throttling error as transient', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    ses.on(SendEmailCommand).rejects(throttled);
    await expect(make().mailer.send(email)).rejects.toMatchObject({
      permanent: false,
      kind: 'unavailable',
    });
  });
});

describe('SES mailer under throttling', () => {
  beforeEach(() => {
    ses.reset();
  });

  it('waits and tries again while SES throttles, then sends the message once', async () => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(tooMany())
      .rejectsOnce(tooMany())
      .resolves({ MessageId: 'after-two', ...meta });
    const { mailer, usage, waits } = make();
    expect(await mailer.send(email)).toEqual({ receipt: 'ses:after-two' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(3);
    expect(waits).toHaveLength(2);
    // The same raw message each time: a retry is the same send, not a new one.
    const [first, , third] = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(third).toEqual(first);
    expect(usage.snapshot().ses).toEqual({ SendEmail: 1 });
  });

  it.each([
    ['TooManyRequestsException', tooMany()],
    ['LimitExceededException', new LimitExceededException({ message: 'limit', ...meta })],
    ['ThrottlingException', named('ThrottlingException', 'Maximum sending rate exceeded.')],
    ['Throttling', named('Throttling', 'Rate exceeded')],
  ])('takes %s as throttling and tries again', async (_name, error) => {
    ses
      .on(SendEmailCommand)
      .rejectsOnce(error)
      .resolves({ MessageId: 'ok', ...meta });
    const { mailer, waits } = make();
    expect(await mailer.send(email)).toEqual({ receipt: 'ses:ok' });
    expect(waits).toHaveLength(1);
  });

  it('fails as before once the attempts are spent, with the last error as its cause', async () => {
    const error = tooMany();
    ses.on(SendEmailCommand).rejects(error);
    const { mailer, waits } = make();
    const sending = mailer.send(email);
    await expect(sending).rejects.toBeInstanceOf(MailDeliveryError);
    await expect(sending).rejects.toMatchObject({
      permanent: false,
      kind: 'unavailable',
      cause: error,
      message: expect.stringContaining('4 attempts'),
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(DEFAULT_THROTTLE_RETRY.maxAttempts);
    expect(waits).toHaveLength(DEFAULT_THROTTLE_RETRY.maxAttempts - 1);
    // Bounded: the waits of one send stay within the budget, far below the waiter's timeout.
    const total = waits.reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeLessThanOrEqual(DEFAULT_THROTTLE_RETRY.maxTotalWaitMs);
  });

  it('stops early when the next wait would overrun the total it may wait', async () => {
    ses.on(SendEmailCommand).rejects(tooMany());
    const { mailer, waits } = make({ maxAttempts: 10, maxTotalWaitMs: 1_000, random: () => 0.99 });
    await expect(mailer.send(email)).rejects.toMatchObject({ permanent: false });
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(1_000);
    expect(ses.commandCalls(SendEmailCommand).length).toBeLessThan(10);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(waits.length + 1);
  });

  it.each([
    ['a sending pause', new SendingPausedException({ message: 'paused', ...meta })],
    ['the daily quota', named('ThrottlingException', 'Daily message quota exceeded.')],
    ['a rejected message', new MessageRejected({ message: 'bad', ...meta })],
  ])('does not wait for %s, which seconds cannot lift', async (_what, error) => {
    ses.on(SendEmailCommand).rejects(error);
    const { mailer, waits } = make();
    await expect(mailer.send(email)).rejects.toMatchObject({ cause: error });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('spreads a herd: waits grow, and differ between senders that draw differently', async () => {
    ses.on(SendEmailCommand).rejects(tooMany());
    const low = make({ random: () => 0 });
    const high = make({ random: () => 0.99 });
    await expect(low.mailer.send(email)).rejects.toBeInstanceOf(MailDeliveryError);
    await expect(high.mailer.send(email)).rejects.toBeInstanceOf(MailDeliveryError);
    for (const waits of [low.waits, high.waits]) {
      expect(waits).toHaveLength(3);
      expect([...waits].sort((a, b) => a - b)).toEqual(waits);
      expect(new Set(waits).size).toBe(3);
    }
    low.waits.forEach((ms, i) => {
      expect(ms).toBeLessThan(high.waits[i] ?? 0);
      expect(ms).toBeGreaterThan(0);
    });
  });
});
