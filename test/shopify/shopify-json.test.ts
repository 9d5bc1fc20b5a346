/** The Shopify body parse: JSON.parse's answer, except that no integer loses a digit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/errors.ts';
import { parseJsonText } from '../../src/http/request-body.ts';
import { parseShopifyJson, shopifyNumber } from '../../src/platforms/shopify/json.ts';

/** What the generic route's delivery.json(parseShopifyJson) does with Shopify's body. */
const parseShopifyBody = (raw: Uint8Array, contentType: string | undefined) =>
  parseJsonText(raw, contentType, parseShopifyJson);

const bytes = (text: string) => new TextEncoder().encode(text);

/** JSON.parse's value with every integer past 2^53 as the digits the text had. */
function expected(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Number.isSafeInteger(value) && /^-?\d+$/.test(String(value))
      ? String(value)
      : value;
  }
  if (Array.isArray(value)) return value.map(expected);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expected(item)]));
  }
  return value;
}

describe('parseShopifyJson', () => {
  it('keeps every digit of an integer past 2^53, and reads everything else as JSON.parse does', () => {
    const text =
      '{"id":820982911946154508,"checkout_id":981820079255243537,"neg":-9007199254740993,' +
      '"edge":9007199254740991,"quantity":2,"rate":0.08,"price":"4500.00","none":null}';
    expect(parseShopifyJson(text)).toEqual({
      id: '820982911946154508',
      checkout_id: '981820079255243537',
      neg: '-9007199254740993',
      edge: 9007199254740991,
      quantity: 2,
      rate: 0.08,
      price: '4500.00',
      none: null,
    });
    // What this is for: JSON.parse rounds the same text.
    expect(String((JSON.parse(text) as { id: number }).id)).toBe('820982911946154500');
  });

  it('gives JSON.parse’s value for any JSON, bar the integers past 2^53', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value);
        expect(parseShopifyJson(text)).toEqual(expected(JSON.parse(text)));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps the last of a repeated key and stores __proto__ as a plain key, as JSON.parse does', () => {
    expect(parseShopifyJson('{"a":1,"a":{"b":2}}')).toEqual(JSON.parse('{"a":1,"a":{"b":2}}'));
    const parsed = parseShopifyJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('numbers: digits past 2^53, else a number', () => {
    expect(shopifyNumber('9007199254740992')).toBe('9007199254740992');
    expect(shopifyNumber('9007199254740991')).toBe(9007199254740991);
    expect(shopifyNumber('1.5e3')).toBe(1500);
    expect(shopifyNumber('-0')).toBe(-0);
  });
});

describe('parseShopifyBody: what is not JSON is a 415, as on POST /events', () => {
  const refusal = (raw: Uint8Array, contentType: string | undefined) => {
    try {
      parseShopifyBody(raw, contentType);
    } catch (error) {
      if (error instanceof HttpError)
        return { status: error.status, error: error.message, details: error.details };
      throw error;
    }
    throw new Error('expected a refusal');
  };

  it('names a missing or wrong Content-Type', () => {
    expect(refusal(bytes('{}'), undefined)).toEqual({
      status: 415,
      error: 'body must be JSON (Content-Type: application/json)',
      details: [{ path: '(headers).content-type', problem: 'got none' }],
    });
    expect(refusal(bytes('{}'), 'text/plain').details).toEqual([
      { path: '(headers).content-type', problem: 'got text/plain' },
    ]);
  });

  it.each([
    ['broken JSON', bytes('{"id": 1,')],
    ['trailing text', bytes('{"id": 1} x')],
    ['an empty body', bytes('')],
    ['bytes that are not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
  ])('refuses %s naming the body', (_label, raw) => {
    const answer = refusal(raw, 'application/json');
    expect(answer).toMatchObject({ status: 415, error: 'body is not valid JSON' });
    expect(answer.details).toHaveLength(1);
    expect(answer.details[0]?.path).toBe('(body)');
    expect(answer.details[0]?.problem.length).toBeGreaterThan(0);
  });

  it('takes JSON under any json media type', () => {
    expect(
      parseShopifyBody(bytes('{"id":820982911946154508}'), 'application/json; charset=utf-8'),
    ).toEqual({
      id: '820982911946154508',
    });
    expect(parseShopifyBody(bytes('[]'), 'application/vnd.shopify+json')).toEqual([]);
  });
});
