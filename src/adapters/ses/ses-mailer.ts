/**
 * Sends reminders through Amazon SES (v2) as one raw MIME message, built by the same composer and
 * the same header checks as the SMTP and outbox mailers, so the text and HTML parts and the
 * RFC 8058 List-Unsubscribe / List-Unsubscribe-Post headers go out exactly as written.
 *
 * A throttled send (SES allows so many messages a second) is tried again a few times within the
 * invocation, after a jittered, growing wait, before it fails as before. Without that, every cart
 * a herd of wake-ups (08:00, when quiet hours end) pushed over the rate would come back for its
 * retry 15 minutes later, together, and be throttled again. The waits stay far below the waiter's
 * timeout (30 s, infra/stack.ts): a waiter killed mid-send leaves its step claimed and unsent
 * (at most once, see ports/mailer.ts), which is worse than a send that fails and is retried.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { Mailer } from '../../ports/mailer.ts';
import type { UsageCounter } from '../../ports/usage-counter.ts';
import { MailDeliveryError, type MailFailureKind, toMessageOptions } from '../mime/mail-message.ts';

export { MailDeliveryError } from '../mime/mail-message.ts';

/** How long and how often a throttled send is tried again within one call of `send`. */
export interface SesThrottleRetry {
  /** Calls to SES in all, the first included; 1 turns the retry off. */
  readonly maxAttempts: number;
  /** The first wait's upper bound; each later one doubles, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The waits of one send never add up to more than this: past it, the send fails. */
  readonly maxTotalWaitMs: number;
  /** Waits (tests pass one that returns at once and records what it was asked). */
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. */
  readonly random: () => number;
}

/**
 * At most 3 waits of 0.25-0.5 s, 0.5-1 s and 1-2 s (at most 3.5 s), on top of the SDK's own two
 * quick retries: a few seconds is what a per-second send rate needs to free up, and the waiter
 * has 30 s. A quota that a few seconds cannot free (the daily one) is not waited for.
 */
export const DEFAULT_THROTTLE_RETRY: SesThrottleRetry = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4_000,
  maxTotalWaitMs: 5_000,
  sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)),
  random: Math.random,
};

export interface SesMailerOptions {
  readonly client: SESv2Client;
  /** SES configuration set: where bounce, complaint and delivery events are published. */
  readonly configurationSet?: string;
  readonly usage?: UsageCounter;
  readonly clock?: Clock;
  /** Overrides parts of DEFAULT_THROTTLE_RETRY. */
  readonly throttleRetry?: Partial<SesThrottleRetry>;
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

/**
 * SESv2 SendEmail documents TooManyRequestsException and LimitExceededException; SES's guide
 * names the rate error ThrottlingException ("Maximum sending rate exceeded"), and the SDK's own
 * throttling list has `Throttling` too. A sending pause is not throttling: waiting seconds does
 * not lift it. Nor does it lift "Daily message quota exceeded".
 */
const THROTTLED = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
]);

export function isSesThrottle(error: unknown): boolean {
  if (!(error instanceof Error) || !THROTTLED.has(error.name)) return false;
  return !/daily/i.test(error.message);
}

export function sesFailure(error: unknown, attempts = 1): MailDeliveryError {
  const name = error instanceof Error ? error.name : 'UnknownError';
  const verdict = SES_ERRORS[name] ?? { permanent: false, kind: 'unavailable' };
  const detail = error instanceof Error ? error.message : String(error);
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  return new MailDeliveryError(
    `SES refused the message${tries}: ${name}: ${detail}`,
    { ...verdict, reason: `${name}: ${detail}` },
    { cause: error },
  );
}

/**
 * The wait before retry number `retry` (1, 2, ...): "equal jitter", half of the exponential step
 * fixed and half random, so a herd spreads out but no retry comes back at once.
 */
export function throttleDelay(retry: number, policy: SesThrottleRetry): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (step / 2) * policy.random());
}

export function createSesMailer(options: SesMailerOptions): Mailer {
  const { client, configurationSet, usage } = options;
  const clock = options.clock ?? systemClock;
  const policy: SesThrottleRetry = { ...DEFAULT_THROTTLE_RETRY, ...options.throttleRetry };

  /** Sends, waiting and trying again while SES throttles and the budget lasts. */
  async function sendRaw(command: SendEmailCommand) {
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.send(command);
      } catch (error) {
        const delay = throttleDelay(attempt, policy);
        const again =
          isSesThrottle(error) &&
          attempt < policy.maxAttempts &&
          waited + delay <= policy.maxTotalWaitMs;
        if (!again) throw sesFailure(error, attempt);
        waited += delay;
        await policy.sleep(delay);
      }
    }
  }

  return {
    async send(email) {
      // Throws MailDeliveryError (invalid, permanent) before anything leaves the process.
      const message = toMessageOptions(email, new Date(clock.now()));
      const raw = await new MailComposer(message).compile().build();
      // One message, however many tries: SES bills the messages it accepts, not refused calls.
      usage?.recordCall('ses', 'SendEmail');
      const out = await sendRaw(
        new SendEmailCommand({
          Destination: { ToAddresses: [email.to] },
          Content: { Raw: { Data: raw } },
          ...(configurationSet === undefined ? {} : { ConfigurationSetName: configurationSet }),
        }),
      );
      return { receipt: `ses:${out.MessageId ?? 'unknown'}` };
    },
  };
}
