import { describe, expect, it } from 'vitest';
import { normaliseEmail } from './email.ts';

describe('normaliseEmail', () => {
  it.each([
    ['sam@example.com', 'sam@example.com'],
    ['  Sam@Example.COM\t', 'sam@example.com'],
    ['first.last+tag@sub.example.co.uk', 'first.last+tag@sub.example.co.uk'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['a@b-c.example', 'a@b-c.example'],
  ])('"%s" becomes "%s"', (raw, email) => {
    expect(normaliseEmail(raw)).toEqual({ ok: true, email });
  });

  it.each([
    ['header injection', 'a@b.com\r\nBcc: x@y.com'],
    ['bare LF', 'a@b.com\nx@y.com'],
    ['inner CR', 'a\r@b.com'],
    ['NUL', 'a@b.com\u0000'],
    ['quotes', '"sam"@example.com'],
    ['angle brackets', 'Sam <sam@example.com>'],
    ['bare angle brackets', '<sam@example.com>'],
    ['two @', 'a@b@example.com'],
    ['no @', 'sam.example.com'],
    ['empty local part', '@example.com'],
    ['no dot in domain', 'sam@localhost'],
    ['consecutive dots in local part', 'sam..x@example.com'],
    ['consecutive dots in domain', 'sam@example..com'],
    ['leading dot in local part', '.sam@example.com'],
    ['trailing dot in local part', 'sam.@example.com'],
    ['domain starting with a hyphen', 'sam@-example.com'],
    ['space inside', 'sam smith@example.com'],
    ['comma list', 'a@b.com,c@d.com'],
    ['semicolon list', 'a@b.com;c@d.com'],
    ['Cyrillic look-alike a', 'sаm@example.com'],
    ['Cyrillic look-alike domain', 'sam@exаmple.com'],
    ['full-width @', 'sam＠example.com'],
    ['accented letter', 'josé@example.com'],
    // Lower-casing turns these into ASCII letters, and so into another person's address.
    ['Kelvin sign (lower-cases to k)', '\u212Aate@example.com'],
    ['Kelvin sign in the domain', 'kate@e\u212Aample.com'],
    ['long s (upper-cases to S)', 'sam\u017F@example.com'],
    ['dotted capital I (lower-cases to i and a dot)', '\u0130vy@example.com'],
    ['empty', ''],
    ['only spaces', '   '],
  ])('rejects %s', (_what, raw) => {
    const result = normaliseEmail(raw);
    expect(result.ok).toBe(false);
  });

  it('rejects an address longer than 254 characters, saying so', () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(63)}.info`;
    expect(long.length).toBeGreaterThan(254);
    expect(normaliseEmail(long)).toEqual({ ok: false, problem: 'is longer than 254 characters' });
  });

  it('accepts a 254-character address and rejects a 65-character local part', () => {
    const domain = `${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.com`;
    const exact = `${'a'.repeat(254 - domain.length - 1)}@${domain}`;
    expect(exact.length).toBe(254);
    expect(normaliseEmail(exact).ok).toBe(true);
    expect(normaliseEmail(`${'a'.repeat(65)}@example.com`).ok).toBe(false);
    expect(normaliseEmail(`${'a'.repeat(64)}@example.com`).ok).toBe(true);
  });

  it('quotes a bounded piece of the bad input in the problem', () => {
    const result = normaliseEmail(`not an email ${'x'.repeat(200)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toContain('"not an email');
      expect(result.problem.length).toBeLessThan(120);
    }
  });
});
