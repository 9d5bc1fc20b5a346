import {
  AccountSuspendedException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  SendingPausedException,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer, MailDeliveryError } from '../../src/adapters/aws/ses-mailer.ts';
import { createUsageCounter } from '../../src/adapters/aws/usage-counter.ts';
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

function make() {
  const usage = createUsageCounter();
  const mailer = createSesMailer({
    client: new SESv2Client({ region: 'eu-west-1' }),
    configurationSet: 'cr-feedback',
    usage,
    clock: { now: () => Date.UTC(2026, 10, 23, 9, 0, 0) },
  });
  return { mailer, usage };
}

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
