/** Sends one email. Adapters: outbox (.eml files), SMTP, Amazon SES. */

export interface OutgoingEmail {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  readonly headers: Readonly<Record<string, string>>;
  /** Stable id for this cart and step, so a resend would be recognisable downstream. */
  readonly messageId: string;
}

export interface SentEmail {
  /** Where it went: a file path, an SMTP response, an SES message id. */
  readonly receipt: string;
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<SentEmail>;
}
