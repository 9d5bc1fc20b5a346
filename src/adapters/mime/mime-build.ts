/**
 * Raw MIME for one reminder, built synchronously in one pass: a multipart/alternative message
 * with a quoted-printable text part and html part, CRLF line ends. nodemailer's MailComposer
 * builds the same message through a chain of streams and cost about 1.2 ms per reminder on the
 * main thread (measured for issue 19), more than the rest of the waiter's work per reminder; this
 * builder does it in a few tens of microseconds, so the outbox can keep up with its disk.
 *
 * The message shape is fixed (the reminder builder always gives both parts and no attachments),
 * which is what makes a small builder enough. Headers are checked by toMessageOptions first, the
 * same checks the SMTP and SES mailers run, so no header can smuggle a line break in.
 */
import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import type { OutgoingEmail } from '../../ports/mailer.ts';
import { toMessageOptions } from './mail-message.ts';

const CRLF = '\r\n';
/** RFC 5322's recommended line length; RFC 2045 caps quoted-printable lines at 76. */
const FOLD_AT = 78;
const QP_LINE = 76;
/** 45 bytes of UTF-8 make 60 base64 characters: an encoded word stays under RFC 2047's 75. */
const WORD_BYTES = 45;
// Printable ASCII and space: a header value made only of these needs no encoding.
const PLAIN_HEADER = /^[\x20-\x7e]*$/;
// RFC 5322 atext plus space: a display name made only of these needs no quotes.
const ATOM_PHRASE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*$/;

/** RFC 2047 B-encoded words, split between whole characters, separated by folding spaces. */
function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > WORD_BYTES && chunk !== '') {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += char;
    bytes += size;
  }
  if (chunk !== '') words.push(chunk);
  return words
    .map((word) => `=?UTF-8?B?${Buffer.from(word).toString('base64')}?=`)
    .join(`${CRLF} `);
}

/** `Name: value`, folded at spaces to keep lines near 78 characters (a long URL stays whole). */
function headerLine(name: string, value: string): string {
  const encoded = PLAIN_HEADER.test(value) ? value : encodeWords(value);
  const first = `${name}: ${encoded}`;
  if (first.length <= FOLD_AT || encoded.includes(CRLF)) return first;
  const lines: string[] = [];
  let line = '';
  for (const word of first.split(' ')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length > FOLD_AT) {
      lines.push(line);
      line = word;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines.join(`${CRLF} `);
}

function displayName(name: string): string {
  if (!PLAIN_HEADER.test(name)) return encodeWords(name);
  if (ATOM_PHRASE.test(name)) return name;
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

function asciiAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at === -1) return address;
  const domain = address.slice(at + 1);
  return PLAIN_HEADER.test(domain)
    ? address
    : `${address.slice(0, at + 1)}${domainToASCII(domain)}`;
}

// CR_FROM is one configured string: its header is worked out once, not per reminder.
const fromHeaders = new Map<string, string>();

/** The From field: each mailbox as `Name <address>`, the name quoted or encoded when it must be. */
function fromField(from: string): string {
  const known = fromHeaders.get(from);
  if (known !== undefined) return known;
  const field = addressparser(from, { flatten: true })
    .map(({ name, address }) =>
      name === '' ? asciiAddress(address) : `${displayName(name)} <${asciiAddress(address)}>`,
    )
    .join(', ');
  fromHeaders.set(from, field);
  return field;
}

/** RFC 5322 date in UTC: `Mon, 23 Nov 2026 07:00:00 +0000`. */
function mailDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

// What quoted-printable cannot carry as itself besides '=': controls other than tab and line
// feed (line breaks are handled apart), and anything outside ASCII.
const UNSAFE = /[^\t\n\x20-\x7e]/u;
const UNSAFE_ALL = /[^\t\n\x20-\x7e]/gu;
const TRAILING_BLANK = /[ \t](?=\n|$)/g;

const hexByte = (byte: number) => `=${byte < 16 ? '0' : ''}${byte.toString(16).toUpperCase()}`;
// '=' and the control characters, the escapes nearly every reminder needs, looked up, not built.
const ASCII_ESCAPES = Array.from({ length: 128 }, (_, byte) => hexByte(byte));

function escapeChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 128) return ASCII_ESCAPES[code] ?? hexByte(code);
  let escaped = '';
  for (const byte of Buffer.from(char)) escaped += hexByte(byte);
  return escaped;
}

/** One encoded line cut into pieces of at most 76 characters, never inside an `=XX` escape. */
function softBreaks(line: string): string {
  if (line.length <= QP_LINE) return line;
  const pieces: string[] = [];
  let start = 0;
  while (line.length - start > QP_LINE) {
    // 75 characters and the '=' of the soft break; back off when an escape would be cut.
    let end = start + QP_LINE - 1;
    if (line[end - 1] === '=') end -= 1;
    else if (line[end - 2] === '=') end -= 2;
    pieces.push(`${line.slice(start, end)}=`);
    start = end;
  }
  pieces.push(line.slice(start));
  return pieces.join(CRLF);
}

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text: line breaks become CRLF, a space or tab ending
 * a line is escaped, and soft breaks keep every line at most 76 characters without splitting an
 * escape. The output never holds "=_", so it can never contain the boundary. Native string
 * operations over the whole text: a byte loop in JavaScript cost 150 µs per reminder.
 */
export function quotedPrintable(text: string): string {
  // Whole-text passes first, then one split: per-line regular expressions cost 30 µs a reminder.
  let encoded = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  encoded = encoded.replaceAll('=', '=3D');
  if (UNSAFE.test(encoded)) encoded = encoded.replace(UNSAFE_ALL, escapeChar);
  encoded = encoded.replace(TRAILING_BLANK, (blank) => (blank === ' ' ? '=20' : '=09'));
  return encoded.split('\n').map(softBreaks).join(CRLF);
}

/**
 * The raw message (CRLF line ends, UTF-8 text) of one reminder; throws MailDeliveryError
 * (invalid) for an unsafe message. A string, so it crosses to a writer thread without a copy of
 * a shared buffer pool.
 */
export function buildMime(email: OutgoingEmail, date: Date): string {
  // The shared checks (one bare recipient, no line break in any header); their result's subject
  // is the single-line one every mailer sends.
  const checked = toMessageOptions(email, date);
  const subject = typeof checked.subject === 'string' ? checked.subject : '';
  const boundary = `=_cr_${randomBytes(12).toString('hex')}`;
  const head = [
    headerLine('From', fromField(email.from)),
    `To: ${asciiAddress(email.to)}`,
    headerLine('Subject', subject),
    `Message-ID: ${email.messageId}`,
    `Date: ${mailDate(date)}`,
    'MIME-Version: 1.0',
    ...Object.entries(email.headers).map(([name, value]) => headerLine(name, value)),
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    `--${boundary}${CRLF}Content-Type: ${type}; charset=utf-8${CRLF}` +
    `Content-Transfer-Encoding: quoted-printable${CRLF}${CRLF}${quotedPrintable(body)}${CRLF}`;
  return (
    `${head.join(CRLF)}${CRLF}${CRLF}` +
    part('text/plain', email.text) +
    part('text/html', email.html) +
    `--${boundary}--${CRLF}`
  );
}
