/** Sends one email. Adapters: outbox (.eml files), SMTP, Amazon SES. */
import type { OutgoingEmail } from '../domain/outgoing-email.ts';

export type { OutgoingEmail };

export interface SentEmail {
  /** Where it went: a file path, an SMTP response, an SES message id. */
  readonly receipt: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<SentEmail>;
  /**
   * Whether a message with this Message-ID definitely left (true) or definitely did not (false).
   * Only a mailer that can know implements it: the outbox can (a message is one atomically
   * renamed file named with a hash of its Message-ID). SMTP and SES cannot (a connection cut
   * after DATA may or may not have delivered), so they leave it out, and a step claimed by a
   * waiter that died mid-send through them stays unsent: at most once, never twice. Throws when
   * it cannot tell; the caller then leaves the claim alone.
   */
  wasSent?(messageId: string): Promise<boolean>;
}

export const MailFailureKind = {
  /** The server refused this message or recipient (SMTP 4xx/5xx after connecting). */
  rejected: 'rejected',
  /** The server refused our credentials: a configuration problem, not the shopper's address. */
  auth: 'auth',
  /** Could not reach or keep talking to the server, or could not write the outbox. */
  unavailable: 'unavailable',
  /** The message itself cannot be sent as given (a line break in a header, a bad address). */
  invalid: 'invalid',
} as const;
export type MailFailureKind = (typeof MailFailureKind)[keyof typeof MailFailureKind];

/**
 * A send that did not happen (thrown by every adapter). `permanent` means sending the same message again will fail the same
 * way (SMTP 5xx, an SES rejection, a malformed message); otherwise a later retry may succeed (4xx,
 * network, throttling). Only a permanent `rejected` failure says something about the recipient's
 * address. `reason` is the other side's own words (the SMTP reply, the SES error), for the audit
 * and the log; it may quote the recipient's address.
 */
export class MailDeliveryError extends Error {
  readonly permanent: boolean;
  readonly kind: MailFailureKind;
  readonly responseCode: number | null;
  readonly reason: string;
  constructor(
    message: string,
    details: {
      permanent: boolean;
      kind: MailFailureKind;
      responseCode?: number | null;
      reason?: string;
    },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MailDeliveryError';
    this.permanent = details.permanent;
    this.kind = details.kind;
    this.responseCode = details.responseCode ?? null;
    this.reason = details.reason ?? message;
  }
}

/**
 * Whether a failure ends this reminder step for this cart: the same message would be refused
 * again, so retrying it every 15 minutes until give-up only repeats the refusal. A refused login
 * (`auth`) is permanent too, but it is the store's configuration, not this cart's: those sends
 * are retried, so fixing the credentials resumes every cart.
 */
export function endsStep(error: unknown): error is MailDeliveryError {
  return (
    error instanceof MailDeliveryError && error.permanent && error.kind !== MailFailureKind.auth
  );
}
