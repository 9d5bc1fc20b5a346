/**
 * One finished email, ready for any mailer. It lives in the domain because the domain composes
 * it (reminders, owner reports, alerts) and imports nothing from the rest of src/; the Mailer
 * port sends exactly this shape.
 */
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
