import { describe, expect, it } from 'vitest';
import {
  CART_ID_RULE,
  isCartId,
  isDay,
  isHttpUrl,
  isIsoInstant,
  isMonth,
  normalUrl,
} from './input-rules.ts';

describe('the cart-id rule', () => {
  it.each(['c_42', 'gid:shopify:1', 'a.b-c_d', 'C'.repeat(128), '0'])('accepts "%s"', (id) => {
    expect(isCartId(id)).toBe(true);
  });

  it.each([
    ['a parent step', '..'],
    ['a parent step inside', 'a..b'],
    ['a path', '../etc/passwd'],
    ['a leading dot', '.hidden'],
    ['a slash', 'a/b'],
    ['a space', 'a b'],
    ['nothing', ''],
    ['129 characters', 'C'.repeat(129)],
    ['a line break', 'a\nb'],
  ])('refuses %s', (_what, id) => {
    expect(isCartId(id)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(isCartId(42)).toBe(false);
    expect(isCartId(null)).toBe(false);
  });

  it('says why in the words every lane uses', () => {
    expect(CART_ID_RULE).toMatch(/without "\.\."/);
  });
});

describe('times, days and months', () => {
  it('takes an ISO time with a zone and refuses one without, or an impossible one', () => {
    expect(isIsoInstant('2026-11-23T07:58:00Z')).toBe(true);
    expect(isIsoInstant('2026-11-23T07:58:00.123456789+05:30')).toBe(true);
    expect(isIsoInstant('2026-11-23T07:58:00')).toBe(false);
    expect(isIsoInstant('2026-11-23')).toBe(false);
    expect(isIsoInstant('2026-13-23T07:58:00Z')).toBe(false);
    expect(isIsoInstant('2026-11-23T25:58:00Z')).toBe(false);
  });

  it('takes real days from 1970 on and nothing that Date.parse would roll over', () => {
    expect(isDay('2026-11-23')).toBe(true);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-02-31')).toBe(false);
    expect(isDay('1969-12-31')).toBe(false);
    expect(isDay('2026-1-23')).toBe(false);
    expect(isDay('2026-11-23/../x')).toBe(false);
  });

  it('takes months YYYY-MM from 1970 on', () => {
    expect(isMonth('2026-11')).toBe(true);
    expect(isMonth('1970-01')).toBe(true);
    expect(isMonth('2026-13')).toBe(false);
    expect(isMonth('2026-00')).toBe(false);
    expect(isMonth('0099-05')).toBe(false);
    expect(isMonth('2026-11-01')).toBe(false);
  });
});

describe('http(s) URLs', () => {
  it.each(['https://shop.example/cart/1', 'http://shop.example', 'https://shop.example/?a=b#c'])(
    'accepts %s',
    (url) => expect(isHttpUrl(url)).toBe(true),
  );

  it.each([
    ['another scheme', 'javascript:alert(1)'],
    ['a data URL', 'data:text/html,hi'],
    ['a header injection', 'https://shop.example/\r\nSet-Cookie: x'],
    ['a tab the parser would drop', 'https://shop.example/\tcart'],
    ['a space', 'https://shop.example/a b'],
    ['a line separator', 'https://shop.example/\u2028'],
    ['no URL at all', 'shop.example/cart'],
  ])('refuses %s', (_what, url) => {
    expect(isHttpUrl(url)).toBe(false);
  });

  it('stores a URL in the parser’s one spelling', () => {
    expect(normalUrl('HTTPS://Shop.Example/a/../b')).toBe('https://shop.example/b');
    expect(normalUrl(null)).toBeNull();
  });
});
