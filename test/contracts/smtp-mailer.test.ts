import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { createSmtpMailer, MailDeliveryError } from '../../src/adapters/smtp/smtp-mailer.ts';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';
import { runMailerContract } from './mailer.contract.ts';
import { type ParsedMessage, parseMime } from './mime-parse.ts';

const USER = 'shop';
const PASS = 'p@ss word';

interface TestServer {
  readonly port: number;
  readonly messages: ParsedMessage[];
  close(): Promise<void>;
}

/** A real SMTP server on a random loopback port, with AUTH, that can reject chosen recipients. */
async function startServer(rejections: Record<string, number> = {}): Promise<TestServer> {
  const messages: ParsedMessage[] = [];
  const options: SMTPServerOptions = {
    logger: false,
    // Plain-text AUTH is fine on loopback; without STARTTLS no self-signed certificate is involved.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASS) return callback(null, { user: USER });
      return callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const code = rejections[address.address];
      if (code === undefined) return callback();
      const text = code >= 500 ? 'No such mailbox' : 'Try again later';
      return callback(Object.assign(new Error(text), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        messages.push(parseMime(Buffer.concat(chunks), to));
        callback();
      });
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function url(port: number, user = USER, pass = PASS): string {
  return `smtp://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${port}`;
}

runMailerContract({
  name: 'smtp',
  async make() {
    const server = await startServer();
    const mailer = createSmtpMailer({ url: url(server.port) });
    return {
      mailer,
      async received() {
        return [...server.messages];
      },
      async close() {
        mailer.close();
        await server.close();
      },
    };
  },
});

const email: OutgoingEmail = {
  to: 'sam@example.com',
  from: 'Hazel <shop@hazel.test>',
  subject: 'Hi',
  text: 'hello',
  html: '<p>hello</p>',
  headers: {},
  messageId: '<cr.0123456789abcdef.1@hazel.test>',
};

async function failure(promise: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await promise.then(
    () => new Error('expected the send to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  return error as MailDeliveryError;
}

describe('SMTP mailer failures', () => {
  it('turns a 550 rejection into a permanent MailDeliveryError, keeping the cause', async () => {
    const server = await startServer({ 'gone@example.com': 550 });
    const mailer = createSmtpMailer({ url: url(server.port) });
    try {
      const error = await failure(mailer.send({ ...email, to: 'gone@example.com' }));
      expect(error).toMatchObject({
        name: 'MailDeliveryError',
        permanent: true,
        kind: 'rejected',
        responseCode: 550,
      });
      expect(error.message).toContain('No such mailbox');
      expect(error.cause).toBeInstanceOf(Error);
      expect(server.messages).toEqual([]);
    } finally {
      mailer.close();
      await server.close();
    }
  });

  it('turns a 451 into a temporary MailDeliveryError', async () => {
    const server = await startServer({ 'busy@example.com': 451 });
    const mailer = createSmtpMailer({ url: url(server.port) });
    try {
      const error = await failure(mailer.send({ ...email, to: 'busy@example.com' }));
      expect(error).toMatchObject({ permanent: false, kind: 'rejected', responseCode: 451 });
      // The next message to a healthy address still goes through.
      await mailer.send(email);
      expect(server.messages.map((m) => m.envelopeTo)).toEqual([['sam@example.com']]);
    } finally {
      mailer.close();
      await server.close();
    }
  });

  it('reports wrong credentials as an auth failure without leaking the password', async () => {
    const server = await startServer();
    const mailer = createSmtpMailer({ url: url(server.port, USER, 'wrong-secret') });
    try {
      const error = await failure(mailer.send(email));
      expect(error).toMatchObject({ kind: 'auth', permanent: true, responseCode: 535 });
      expect(error.message).not.toContain('wrong-secret');
    } finally {
      mailer.close();
      await server.close();
    }
  });

  it('reports an unreachable server as temporary', async () => {
    const server = await startServer();
    await server.close();
    const mailer = createSmtpMailer({ url: url(server.port) });
    const error = await failure(mailer.send(email));
    expect(error).toMatchObject({ kind: 'unavailable', permanent: false, responseCode: null });
    mailer.close();
  });

  it('accepts only smtp:// and smtps:// URLs', () => {
    expect(() => createSmtpMailer({ url: 'http://example.com' })).toThrow(
      /smtp:\/\/ or smtps:\/\//,
    );
    expect(() => createSmtpMailer({ url: 'not a url' })).toThrow(/not a URL/);
    expect(() => createSmtpMailer({ url: 'smtps://u:p@mail.example.com:465' })).not.toThrow();
  });
});
