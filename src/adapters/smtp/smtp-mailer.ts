/**
 * Sends through any SMTP server: `CR_MAIL=smtp://user:pass@host:587` (STARTTLS when offered) or
 * `smtps://user:pass@host:465` (TLS from the first byte). Every nodemailer failure becomes a
 * MailDeliveryError that says whether a retry can help, so the app can tell a bounce (550) from
 * a busy server (451) from a wrong password.
 */
import { createTransport } from 'nodemailer';
import type { Mailer, OutgoingEmail, SentEmail } from '../../ports/mailer.ts';
import { MailDeliveryError, MailFailureKind, toMessageOptions } from '../mime/mail-message.ts';

export { MailDeliveryError, MailFailureKind } from '../mime/mail-message.ts';

export interface SmtpMailerOptions {
  /** smtp:// or smtps:// URL; user and password percent-encoded. nodemailer query options work. */
  readonly url: string;
  readonly now?: () => number;
}

export interface SmtpMailer extends Mailer {
  /** Closes idle connections, for a clean shutdown and for tests. */
  close(): void;
}

export class InvalidSmtpUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSmtpUrlError';
  }
}

interface NodemailerFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
}

/** "smtp://user:***@host:587": for error messages and logs. */
export function redactSmtpUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return 'an unparseable SMTP URL';
  }
}

function toDeliveryError(error: unknown, where: string): MailDeliveryError {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as NodemailerFailure;
  const code = failure.responseCode;
  const reply = failure.response ?? (error instanceof Error ? error.message : String(error));
  if (failure.code === 'EAUTH') {
    return new MailDeliveryError(
      `SMTP server ${where} refused the credentials: ${reply}`,
      {
        permanent: code === undefined || code >= 500,
        kind: MailFailureKind.auth,
        responseCode: code,
        reason: reply,
      },
      { cause: error },
    );
  }
  if (code !== undefined) {
    // nodemailer's own reading of RFC 5321 (5yz permanent except 503) when it gives one.
    const permanent = failure.permanent ?? (code >= 500 && code !== 503);
    return new MailDeliveryError(
      `SMTP server ${where} ${permanent ? 'permanently' : 'temporarily'} refused the message: ${reply}`,
      { permanent, kind: MailFailureKind.rejected, responseCode: code, reason: reply },
      { cause: error },
    );
  }
  return new MailDeliveryError(
    `could not deliver through SMTP server ${where}: ${reply}`,
    { permanent: false, kind: MailFailureKind.unavailable, reason: reply },
    { cause: error },
  );
}

export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  let protocol: string;
  try {
    protocol = new URL(options.url).protocol;
  } catch {
    throw new InvalidSmtpUrlError(`CR_MAIL is not a URL: ${redactSmtpUrl(options.url)}`);
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw new InvalidSmtpUrlError(`CR_MAIL must start with smtp:// or smtps://, got ${protocol}//`);
  }
  const where = redactSmtpUrl(options.url);
  const now = options.now ?? Date.now;
  const transport = createTransport(options.url);

  return {
    async send(email: OutgoingEmail): Promise<SentEmail> {
      const message = toMessageOptions(email, new Date(now()));
      try {
        const info = await transport.sendMail(message);
        return { receipt: `${info.messageId} ${info.response}` };
      } catch (error) {
        throw toDeliveryError(error, where);
      }
    },
    close() {
      transport.close();
    },
  };
}
