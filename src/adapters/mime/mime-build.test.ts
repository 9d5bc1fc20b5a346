import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMime } from '../../../test/contracts/mime-parse.ts';
import type { OutgoingEmail } from '../../ports/mailer.ts';
import { buildMime, quotedPrintable } from './mime-build.ts';

const base: OutgoingEmail = {
  to: 'sam@example.com',
  from: 'Hazel & Oak <hello@hazel.test>',
  subject: 'You left these behind',
  text: 'hello',
  html: '<p>hello</p>',
  headers: { 'List-Unsubscribe': '<https://shop.test/unsubscribe?t=abc>' },
  messageId: '<cr.0123456789abcdef.1@hazel.test>',
};

// Text as templates and shoppers make it: any characters, '=' and blanks at line ends included.
const body = fc.array(
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 120 }),
    fc.constantFrom('=', ' ', '\t', '\r\n', '\n', '\r', '=20', 'é', '🍮', 'x'.repeat(80)),
    // Long runs of escapes, so soft breaks fall at every offset inside one.
    fc.constantFrom('='.repeat(40), 'é'.repeat(30), 'x=y'.repeat(30)),
  ),
  { maxLength: 30 },
);
const text = body.map((parts) => parts.join(''));
/** What a reader gets back: line breaks as \n. */
const lines = (value: string) => value.replace(/\r\n?/g, '\n');

describe('quoted-printable', () => {
  it('keeps every line within 76 printable ASCII characters, whatever the text', () => {
    fc.assert(
      fc.property(text, (value) => {
        for (const line of quotedPrintable(value).split('\r\n')) {
          expect(line.length).toBeLessThanOrEqual(76);
          // Whole escapes only: a soft break never cuts one (a lenient reader would hide that).
          expect(line).toMatch(/^(?:[\t\x20-\x3c\x3e-\x7e]|=[0-9A-F]{2})*=?$/);
          // A blank at the end of a line would be lost in transit: it must be escaped.
          expect(line).not.toMatch(/[ \t]$/);
        }
      }),
    );
  });
});

describe('buildMime', () => {
  it('round-trips subject, both parts and the sender through an independent MIME reader', () => {
    const subject = fc.string({ unit: 'grapheme', maxLength: 200 });
    const name = fc.oneof(
      fc.constantFrom('Hazel & Oak', 'Crème "Brûlée", Inc.', 'Zoë', "O'Neil \\ Sons"),
      fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
    );
    fc.assert(
      fc.property(subject, text, text, name, (title, plain, html, sender) => {
        const from = `"${sender.replace(/["\\\r\n]/g, '')}" <hello@hazel.test>`;
        const email = { ...base, subject: title, text: plain, html, from };
        const raw = buildMime(email, new Date(Date.UTC(2026, 10, 23, 7)));
        const got = parseMime(raw);
        expect(got.subject).toBe(
          title
            .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
            .replace(/ {2,}/g, ' ')
            .trim(),
        );
        expect(lines(got.text ?? '')).toBe(lines(plain));
        expect(lines(got.html ?? '')).toBe(lines(html));
        expect(got.from).toContain('hello@hazel.test');
        expect(got.headers.get('list-unsubscribe')).toEqual([base.headers['List-Unsubscribe']]);
        // RFC 5322: CRLF only, and no line over 998 characters.
        expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
        for (const line of raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
      }),
      { numRuns: 200 },
    );
  });

  it('writes the display name as the reader shows it, quoted or encoded as needed', () => {
    const from = (value: string) =>
      parseMime(buildMime({ ...base, from: value }, new Date(0))).from;
    // '&' is an atom character; a comma would split the field in two unless quoted.
    expect(from('Hazel & Oak <hello@hazel.test>')).toBe('Hazel & Oak <hello@hazel.test>');
    expect(from('"Hazel, Oak & Co" <hello@hazel.test>')).toBe(
      '"Hazel, Oak & Co" <hello@hazel.test>',
    );
    expect(from('hello@hazel.test')).toBe('hello@hazel.test');
    expect(from('Zoë <hello@hazel.test>')).toBe('Zoë <hello@hazel.test>');
  });

  it('refuses what every mailer refuses: a second recipient, a header with a line break', () => {
    expect(() =>
      buildMime({ ...base, to: 'sam@example.com, evil@attacker.test' }, new Date(0)),
    ).toThrow(expect.objectContaining({ name: 'MailDeliveryError', kind: 'invalid' }));
    expect(() =>
      buildMime({ ...base, headers: { 'X-Note': 'a\r\nBcc: evil@attacker.test' } }, new Date(0)),
    ).toThrow(expect.objectContaining({ name: 'MailDeliveryError', kind: 'invalid' }));
  });
});
