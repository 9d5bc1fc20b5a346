import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currencyExponent,
  formatMoney,
  isCurrencyCode,
  parseMoney,
  toDecimalString,
} from './money.ts';

function minorOf(amount: string, currency: string): number {
  const result = parseMoney(amount, currency);
  if (!result.ok) throw new Error(`expected "${amount}" ${currency} to parse: ${result.problem}`);
  return result.money.minor;
}

describe('parseMoney and toDecimalString', () => {
  it.each([
    ['84.50', 'USD', 8450, '84.50'],
    ['84.5', 'USD', 8450, '84.50'],
    ['84', 'USD', 8400, '84.00'],
    ['0.01', 'USD', 1, '0.01'],
    ['0', 'USD', 0, '0.00'],
    ['12.99', 'EUR', 1299, '12.99'],
    ['1500', 'JPY', 1500, '1500'],
    ['1.234', 'KWD', 1234, '1.234'],
    ['0.005', 'KWD', 5, '0.005'],
    ['7', 'KWD', 7000, '7.000'],
  ])('"%s" %s is %i minor units and prints back as "%s"', (amount, currency, minor, printed) => {
    expect(minorOf(amount, currency)).toBe(minor);
    expect(toDecimalString(minor, currency)).toBe(printed);
  });

  it('keeps the currency on the parsed money', () => {
    expect(parseMoney('1.00', 'EUR')).toEqual({ ok: true, money: { minor: 100, currency: 'EUR' } });
  });

  it.each([
    ['84.505', 'USD'],
    ['1.5', 'JPY'],
    ['1.0001', 'KWD'],
    ['-1', 'USD'],
    ['1e3', 'USD'],
    [' 1', 'USD'],
    ['1 ', 'USD'],
    ['1.', 'USD'],
    ['.5', 'USD'],
    ['', 'USD'],
    ['1,00', 'EUR'],
    ['0x10', 'USD'],
    ['Infinity', 'USD'],
    ['NaN', 'USD'],
    ['1234567890123456789', 'USD'],
    ['999999999999999.99', 'USD'],
    ['90071992547409.92', 'USD'],
  ])('rejects "%s" %s with a problem that quotes it', (amount, currency) => {
    const result = parseMoney(amount, currency);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toContain(`"${amount}"`);
  });

  it('says how many decimals the currency has when there are too many', () => {
    const result = parseMoney('84.505', 'USD');
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('USD has 2') });
  });

  it('accepts the largest safe amount', () => {
    expect(minorOf('90071992547409.91', 'USD')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('prints negative amounts with a sign (refunds in reports)', () => {
    expect(toDecimalString(-5, 'USD')).toBe('-0.05');
    expect(toDecimalString(-1234, 'KWD')).toBe('-1.234');
    expect(toDecimalString(-7, 'JPY')).toBe('-7');
  });

  it('round-trips every safe non-negative amount in a known currency', () => {
    const currencies = ['USD', 'EUR', 'JPY', 'KWD', 'GBP', 'BHD', 'KRW', 'CHF'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(...currencies),
        (minor, currency) => {
          const text = toDecimalString(minor, currency);
          expect(parseMoney(text, currency)).toEqual({ ok: true, money: { minor, currency } });
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('currencies', () => {
  it('knows the minor-unit digits of USD, EUR, JPY and KWD', () => {
    expect(currencyExponent('USD')).toBe(2);
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
  });

  it.each(['USD', 'EUR', 'JPY', 'KWD', 'GBP'])('accepts %s', (code) => {
    expect(isCurrencyCode(code)).toBe(true);
  });

  it.each(['XYZ', 'usd', 'Usd', 'US', 'USDD', '', ' USD', '123'])('rejects "%s"', (code) => {
    expect(isCurrencyCode(code)).toBe(false);
  });
});

describe('formatMoney', () => {
  it('shows amounts the way a shopper reads them', () => {
    expect(formatMoney(8450, 'USD')).toBe('$84.50');
    expect(formatMoney(1500, 'JPY')).toBe('¥1,500');
    expect(formatMoney(1234, 'KWD')).toMatch(/KWD\s?1\.234/);
    expect(formatMoney(1200, 'EUR', 'fr-FR')).toMatch(/^12,00\s€$/);
  });
});
