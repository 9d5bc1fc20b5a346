/**
 * parseCartEvent takes a shortcut for well-formed bodies (a plain check instead of the schema).
 * These properties hold it to the schema's answer, the same result or the same errors, on valid
 * bodies of every shape, on near-valid ones with one field broken, and on any JSON at all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedEvent, parseCartEvent, parseCartEventWithSchema } from './events.ts';

/** An optional field as a store may send it: absent, null, or a value. */
const optional = <T>(value: fc.Arbitrary<T>) =>
  fc.option(fc.option(value, { nil: null }), { nil: undefined });

const idArb = fc
  .stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,20}$/)
  .filter((id) => !id.includes('..'));
const urlArb = fc.constantFrom(
  'https://shop.example/p/1',
  'http://shop.example/cart/7?x=1',
  'https://xn--bcher-kva.example/ü',
);
const CURRENCIES = [
  { code: 'USD', digits: 2 },
  { code: 'EUR', digits: 2 },
  { code: 'JPY', digits: 0 },
  { code: 'KWD', digits: 3 },
];
const amountArb = (digits: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: digits }))
    .map(([whole, places]) =>
      places === 0 ? String(whole) : `${whole}.${'7'.repeat(places).slice(0, places)}`,
    );
const instantArb = fc
  .tuple(
    fc.integer({
      min: Date.parse('2020-01-01T00:00:00Z'),
      max: Date.parse('2030-01-01T00:00:00Z'),
    }),
    fc.constantFrom('Z', '+02:00', '-05:30'),
    fc.boolean(),
  )
  .map(([ms, zone, fraction]) => {
    const iso = new Date(ms).toISOString();
    const base = fraction ? iso.slice(0, -1) : iso.slice(0, 19);
    return `${base}${zone}`;
  });
const emailArb = fc.constantFrom(
  'sam@example.com',
  '  Sam.Lee@Example.COM ',
  'a+tag@shop.example',
  '',
  '   ',
);

/** Drops the keys whose value is undefined, as JSON would. */
function json<T extends Record<string, unknown>>(fields: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const orderIdArb = optional(fc.stringMatching(/^[a-z0-9#-]{1,20}$/));

/** One arbitrary per currency, built once (building them per sample made the runs slow). */
const wellFormedIn = ({ code, digits }: { code: string; digits: number }) =>
  fc
    .record({
      id: idArb,
      type: fc.constantFrom('cart.updated', 'cart.checked_out'),
      occurredAt: instantArb,
      orderId: orderIdArb,
      cart: fc.record({
        id: idArb,
        email: optional(emailArb),
        total: amountArb(digits),
        items: fc.array(
          fc
            .record({
              sku: fc.constantFrom('SHIRT-L', 'MUG', 'x'),
              name: fc.constantFrom('Linen shirt', 'Tasse à café', 'Socks'),
              quantity: fc.integer({ min: 1, max: 100_000 }),
              price: amountArb(digits),
              url: optional(urlArb),
              imageUrl: optional(urlArb),
            })
            .map(json),
          { maxLength: 3 },
        ),
        restoreUrl: optional(urlArb),
        savedLink: optional(fc.boolean()),
        timezone: optional(fc.constantFrom('Europe/Paris', 'Asia/Kolkata', 'UTC')),
        consent: optional(fc.boolean()),
      }),
    })
    .map(({ cart, ...event }) => json({ ...event, cart: json({ ...cart, currency: code }) }));

const wellFormedArb = fc.oneof(...CURRENCIES.map(wellFormedIn));

/** Values that sit just outside one rule or another. */
const trickyArb = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '',
    ' ',
    ' MUG',
    'a..b',
    'x'.repeat(129),
    'x'.repeat(301),
    '84.505',
    '1.2.3',
    '-1',
    '12345678901234567',
    'ftp://shop.example/',
    'not a url',
    `https://shop.example/${'p'.repeat(2048)}`,
    '2026-11-23T07:58:00',
    '2026-13-45T07:58:00Z',
    'Mars/Olympus',
    'usd',
    'XYZ',
    'sam@@example.com',
    '.sam@example.com',
    0,
    1.5,
    100_001,
    -0,
    null,
    true,
  ),
);

type Path = (string | number)[];

function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((key) => pathsOf((value as never)[key], [...prefix, key]))];
}

/** A well-formed body with one thing changed: a value replaced, a key removed or one added. */
const nearValidArb = wellFormedArb.chain((body) => {
  const paths = pathsOf(body).filter((path) => path.length > 0);
  return fc
    .record({
      path: fc.constantFrom(...paths),
      change: fc.constantFrom('replace', 'remove', 'add'),
      value: trickyArb,
      key: fc.constantFrom('extra', '__proto__', 'constructor', 'sku'),
    })
    .map(({ path, change, value, key }) => {
      const copy = structuredClone(body) as Record<string | number, unknown>;
      let parent = copy;
      for (const step of path.slice(0, -1))
        parent = parent[step] as Record<string | number, unknown>;
      const last = path.at(-1) as string | number;
      if (change === 'replace') parent[last] = value;
      else if (change === 'remove') delete parent[last];
      else if (typeof parent[last] === 'object' && parent[last] !== null)
        // A key set as JSON.parse would: an own property, even "__proto__".
        Object.defineProperty(parent[last], key, { value, enumerable: true, writable: true });
      else parent[last] = value;
      return copy;
    });
});

describe('parseCartEvent shortcut for well-formed events', () => {
  it('takes the shortcut for every well-formed body, with the schema’s exact result', () => {
    fc.assert(
      fc.property(wellFormedArb, (body) => {
        expect(isWellFormedEvent(body)).toBe(true);
        const result = parseCartEvent(body);
        expect(result.ok).toBe(true);
        expect(result).toEqual(parseCartEventWithSchema(body));
      }),
      { numRuns: 1000 },
    );
  });

  it('answers exactly as the schema on near-valid bodies (one value, key or field off)', () => {
    fc.assert(
      fc.property(nearValidArb, (body) => {
        expect(parseCartEvent(body)).toEqual(parseCartEventWithSchema(body));
      }),
      { numRuns: 3000 },
    );
  });

  it('answers exactly as the schema on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        expect(parseCartEvent(body)).toEqual(parseCartEventWithSchema(body));
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves untrimmed names to the schema, which trims them', () => {
    const body = JSON.parse(
      '{"id":"e1","type":"cart.updated","occurredAt":"2026-11-23T07:58:00Z","cart":{"id":"c1","currency":"USD","total":"1.00","items":[{"sku":" MUG ","name":"Mug","quantity":1,"price":"1.00"}]}}',
    );
    expect(isWellFormedEvent(body)).toBe(false);
    const result = parseCartEvent(body);
    expect(result.ok && result.event.cart.items[0]?.sku).toBe('MUG');
  });
});
