/**
 * What the local mailers share: turning an OutgoingEmail into nodemailer's message options, and
 * the one error they throw. The mailer is the last line of defence against header injection,
 * so it checks every header itself rather than trusting the copy builder.
 */
import type { MailComposerOptions } from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingEmail } from '../../ports/mailer.ts';
import { MailDeliveryError } from '../../ports/mailer.ts';

export { MailDeliveryError, MailFailureKind } from '../../ports/mailer.ts';

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const LINE_BREAK = /[\r\n\u2028\u2029]/;
// Headers the mailer sets from the typed fields; a custom header must not override them.
const RESERVED = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

function invalid(problem: string): MailDeliveryError {
  return new MailDeliveryError(`cannot send: ${problem}`, { permanent: true, kind: 'invalid' });
}

/** A single-line subject: any line break or control character becomes a space. */
export function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** nodemailer message options for an OutgoingEmail; throws MailDeliveryError (invalid) when unsafe. */
export function toMessageOptions(email: OutgoingEmail, date: Date): MailComposerOptions {
  for (const [field, value] of [
    ['to', email.to],
    ['from', email.from],
    ['messageId', email.messageId],
  ] as const) {
    if (value.trim() === '' || LINE_BREAK.test(value)) {
      throw invalid(`${field} is empty or contains a line break`);
    }
  }
  // One bare address: a comma or angle bracket here could add a second recipient.
  if (!/^[^\s,;:<>"()]+@[^\s,;:<>"()]+$/.test(email.to)) {
    throw invalid(`"${email.to}" is not a single bare email address`);
  }
  if (!/^<[^<>\s]+@[^<>\s]+>$/.test(email.messageId)) {
    throw invalid(`Message-ID "${email.messageId}" is not of the form <id@domain>`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(email.headers)) {
    if (!HEADER_NAME.test(name) || RESERVED.has(name.toLowerCase())) {
      throw invalid(`"${name}" cannot be set as a custom header`);
    }
    if (LINE_BREAK.test(value)) throw invalid(`header ${name} contains a line break`);
    headers[name] = value;
  }
  return {
    from: email.from,
    to: email.to,
    subject: oneLine(email.subject),
    text: email.text,
    html: email.html,
    headers,
    messageId: email.messageId,
    date,
    // The content is always in-memory strings; never let a message pull in a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
