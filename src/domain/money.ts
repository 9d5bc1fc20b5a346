/**
 * Money is kept exactly, in integer minor units of its currency (cents for USD, yen for JPY).
 * A decimal string from the store ("84.50") becomes 8450; it never passes through a float.
 */

export interface Money {
  /** Integer count of the currency's minor unit. */
  readonly minor: number;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
}

const exponentCache = new Map<string, number>();

/** Number of minor-unit digits for a currency (USD 2, JPY 0, KWD 3), from the ICU tables Node ships. */
export function currencyExponent(currency: string): number {
  const cached = exponentCache.get(currency);
  if (cached !== undefined) return cached;
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  exponentCache.set(currency, digits);
  return digits;
}

// Intl formats any well-formed code ("XYZ"), so known codes come from ICU's own list.
const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

// 16 whole digits: a safe integer of a 0-decimal currency (JPY) has up to 16; the safe-integer
// check below is the real bound.
const DECIMAL = /^(\d{1,16})(?:\.(\d+))?$/;

export type ParseMoneyResult =
  | { readonly ok: true; readonly money: Money }
  | { readonly ok: false; readonly problem: string };

/**
 * Parses a non-negative decimal string in currency units. More fraction digits than the currency
 * has is an error rather than a silent rounding: "84.505" USD is not a price anyone charged.
 */
export function parseMoney(amount: string, currency: string): ParseMoneyResult {
  const match = DECIMAL.exec(amount);
  if (!match) {
    return { ok: false, problem: `"${amount}" is not a decimal amount like "84.50"` };
  }
  const exponent = currencyExponent(currency);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) {
    return {
      ok: false,
      problem: `"${amount}" has ${fraction.length} decimal places; ${currency} has ${exponent}`,
    };
  }
  const minor = Number(whole + fraction.padEnd(exponent, '0'));
  if (!Number.isSafeInteger(minor)) {
    return { ok: false, problem: `"${amount}" is too large` };
  }
  return { ok: true, money: { minor, currency } };
}

/** "84.50" for 8450 USD: the inverse of parseMoney, for JSON output. */
export function toDecimalString(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

// Building an Intl.NumberFormat costs far more than using one; emails format many prices.
const formatters = new Map<string, Intl.NumberFormat>();

/** Human display ("$84.50", "€12,00" in fr) for emails, pages and sheets. */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const key = `${locale}|${currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    if (formatters.size < 500) formatters.set(key, formatter);
  }
  return formatter.format(minor / 10 ** currencyExponent(currency));
}
