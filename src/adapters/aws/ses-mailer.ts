/**
 * Sends reminders through Amazon SES (v2) as one raw MIME message, built by the same composer and
 * the same header checks as the SMTP and outbox mailers, so the text and HTML parts and the
 * RFC 8058 List-Unsubscribe / List-Unsubscribe-Post headers go out exactly as written.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { Mailer } from '../../ports/mailer.ts';
import {
  MailDeliveryError,
  type MailFailureKind,
  toMessageOptions,
} from '../local/mail-message.ts';
import type { UsageCounter } from './usage-counter.ts';

export { MailDeliveryError } from '../local/mail-message.ts';

export interface SesMailerOptions {
  readonly client: SESv2Client;
  /** SES configuration set: where bounce, complaint and delivery events are published. */
  readonly configurationSet?: string;
  readonly usage?: UsageCounter;
  readonly clock?: Clock;
}

interface Verdict {
  readonly permanent: boolean;
  readonly kind: MailFailureKind;
}

/**
 * What each SES error means for a retry. Permanent: the same message will fail the same way
 * (rejected content or recipient, a suspended account, a bad request). Transient: throttling and
 * quotas, a sending pause the owner can lift, a hiccup on AWS's side.
 */
const SES_ERRORS: Readonly<Record<string, Verdict>> = {
  MessageRejected: { permanent: true, kind: 'rejected' },
  AccountSuspendedException: { permanent: true, kind: 'auth' },
  MailFromDomainNotVerifiedException: { permanent: true, kind: 'auth' },
  BadRequestException: { permanent: true, kind: 'invalid' },
  NotFoundException: { permanent: true, kind: 'invalid' },
  SendingPausedException: { permanent: false, kind: 'unavailable' },
  TooManyRequestsException: { permanent: false, kind: 'unavailable' },
  LimitExceededException: { permanent: false, kind: 'unavailable' },
  ThrottlingException: { permanent: false, kind: 'unavailable' },
  Throttling: { permanent: false, kind: 'unavailable' },
  InternalServiceErrorException: { permanent: false, kind: 'unavailable' },
};

export function sesFailure(error: unknown): MailDeliveryError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const verdict = SES_ERRORS[name] ?? { permanent: false, kind: 'unavailable' };
  const detail = error instanceof Error ? error.message : String(error);
  return new MailDeliveryError(`SES refused the message: ${name}: ${detail}`, verdict, {
    cause: error,
  });
}

export function createSesMailer(options: SesMailerOptions): Mailer {
  const { client, configurationSet, usage } = options;
  const clock = options.clock ?? systemClock;
  return {
    async send(email) {
      // Throws MailDeliveryError (invalid, permanent) before anything leaves the process.
      const message = toMessageOptions(email, new Date(clock.now()));
      const raw = await new MailComposer(message).compile().build();
      usage?.recordCall('ses', 'SendEmail');
      try {
        const out = await client.send(
          new SendEmailCommand({
            Destination: { ToAddresses: [email.to] },
            Content: { Raw: { Data: raw } },
            ...(configurationSet === undefined ? {} : { ConfigurationSetName: configurationSet }),
          }),
        );
        return { receipt: `ses:${out.MessageId ?? 'unknown'}` };
      } catch (error) {
        throw sesFailure(error);
      }
    },
  };
}
