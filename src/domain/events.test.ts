import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventBody, specExample } from '../../test/support/signed-event.ts';
import { type FieldProblem, parseCartEvent } from './events.ts';

function problems(body: unknown): readonly FieldProblem[] {
  const result = parseCartEvent(body);
  if (result.ok) throw new Error('expected the event to be rejected');
  return result.details;
}

function paths(body: unknown): string[] {
  return problems(body).map((d) => d.path);
}

describe('parseCartEvent', () => {
  it('parses the SPEC example exactly, money in minor units', () => {
    expect(parseCartEvent(specExample())).toEqual({
      ok: true,
      event: {
        id: 'evt_01',
        type: 'cart.updated',
        occurredAt: Date.UTC(2026, 10, 23, 7, 58),
        orderId: null,
        cart: {
          id: 'c_42',
          email: 'sam@example.com',
          currency: 'USD',
          totalMinor: 8450,
          items: [
            {
              sku: 'SHIRT-L',
              name: 'Linen shirt',
              quantity: 1,
              priceMinor: 5900,
              url: 'https://shop.example/p/shirt',
              imageUrl: 'https://shop.example/i/shirt.jpg',
            },
          ],
          restoreUrl: 'https://shop.example/cart/c_42',
          savedLink: false,
          timezone: 'Europe/Paris',
          consent: true,
        },
      },
    });
  });

  it('normalises the email and reads a checkout with its order id', () => {
    const body = { ...specExample(), type: 'cart.checked_out', orderId: 'ord_9' };
    body.cart = { ...body.cart, email: '  Sam@Example.COM ' };
    const result = parseCartEvent(body);
    expect(result).toMatchObject({
      ok: true,
      event: { type: 'cart.checked_out', orderId: 'ord_9', cart: { email: 'sam@example.com' } },
    });
  });

  it('reads times with an offset and fractions', () => {
    const body = { ...specExample(), occurredAt: '2026-11-23T08:58:00.250+01:00' };
    expect(parseCartEvent(body)).toMatchObject({
      ok: true,
      event: { occurredAt: Date.UTC(2026, 10, 23, 7, 58, 0, 250) },
    });
  });

  const optionalCart = ['email', 'restoreUrl', 'savedLink', 'timezone', 'consent'] as const;
  const optionalItem = ['url', 'imageUrl'] as const;

  it.each(['absent', 'null'] as const)('every optional field may be %s', (how) => {
    const body = specExample();
    const drop = (obj: Record<string, unknown>, key: string) => {
      if (how === 'absent') delete obj[key];
      else obj[key] = null;
    };
    drop(body, 'orderId');
    for (const key of optionalCart) drop(body.cart, key);
    for (const key of optionalItem) drop(body.cart.items[0] as Record<string, unknown>, key);
    const result = parseCartEvent(body);
    expect(result).toMatchObject({
      ok: true,
      event: {
        orderId: null,
        cart: {
          email: null,
          restoreUrl: null,
          savedLink: false,
          timezone: null,
          consent: null,
          items: [{ url: null, imageUrl: null }],
        },
      },
    });
  });

  it('treats a blank email as none', () => {
    const body = specExample();
    body.cart.email = '   ';
    expect(parseCartEvent(body)).toMatchObject({ ok: true, event: { cart: { email: null } } });
  });

  it('keeps JPY and KWD amounts exact', () => {
    const jpy = specExample();
    jpy.cart = {
      ...jpy.cart,
      currency: 'JPY',
      total: '1500',
      items: [{ ...jpy.cart.items[0], price: '1500' }],
    };
    expect(parseCartEvent(jpy)).toMatchObject({ ok: true, event: { cart: { totalMinor: 1500 } } });
    const kwd = specExample();
    kwd.cart = {
      ...kwd.cart,
      currency: 'KWD',
      total: '12.345',
      items: [{ ...kwd.cart.items[0], price: '0.005' }],
    };
    expect(parseCartEvent(kwd)).toMatchObject({
      ok: true,
      event: { cart: { totalMinor: 12345, items: [{ priceMinor: 5 }] } },
    });
  });

  it('names every bad field at once, with its path', () => {
    const body = specExample();
    body.type = 'cart.deleted';
    body.occurredAt = 'yesterday';
    body.cart.email = 'not an email';
    body.cart.total = '84.505';
    body.cart.items = [
      body.cart.items[0] as Record<string, unknown>,
      { ...body.cart.items[0], quantity: 0 },
      { ...body.cart.items[0], price: '1.999' },
      { ...body.cart.items[0], url: 'javascript:alert(1)' },
    ];
    body.cart.timezone = 'Mars/Base';
    expect(paths(body).sort()).toEqual(
      [
        'type',
        'occurredAt',
        'cart.email',
        'cart.total',
        'cart.items[1].quantity',
        'cart.items[2].price',
        'cart.items[3].url',
        'cart.timezone',
      ].sort(),
    );
  });

  it.each([
    ['id', (b: EventBody) => delete b.id],
    ['type', (b: EventBody) => delete b.type],
    ['occurredAt', (b: EventBody) => delete b.occurredAt],
    ['cart', (b: EventBody) => Reflect.deleteProperty(b, 'cart')],
    ['cart.id', (b: EventBody) => delete b.cart.id],
    ['cart.currency', (b: EventBody) => delete b.cart.currency],
    ['cart.total', (b: EventBody) => delete b.cart.total],
    ['cart.items', (b: EventBody) => Reflect.deleteProperty(b.cart, 'items')],
    ['cart.items[0].sku', (b: EventBody) => delete b.cart.items[0]?.sku],
    ['cart.items[0].price', (b: EventBody) => delete b.cart.items[0]?.price],
  ])('a missing required %s is named', (path, mutate) => {
    const body = specExample();
    mutate(body);
    expect(paths(body)).toContain(path);
  });

  it.each([
    ['cart.currency', { currency: 'XYZ' }],
    ['cart.currency', { currency: 'usd' }],
    ['cart.total', { total: 84.5 }],
    ['cart.total', { total: '-1' }],
    ['cart.total', { total: '1e3' }],
    ['cart.savedLink', { savedLink: 'yes' }],
    ['cart.consent', { consent: 1 }],
    ['cart.restoreUrl', { restoreUrl: 'ftp://shop.example/cart' }],
    ['cart.email', { email: 'a@b.com\r\nBcc: x@y.com' }],
  ])('a bad value is named at %s', (path, change) => {
    const body = specExample();
    body.cart = { ...body.cart, ...change };
    expect(paths(body)).toEqual([path]);
  });

  it.each([['2026-11-23T07:58:00'], ['2026-11-23'], ['2026-13-45T07:58:00Z'], [1764000000000]])(
    'rejects occurredAt %s',
    (occurredAt) => {
      expect(paths({ ...specExample(), occurredAt })).toEqual(['occurredAt']);
    },
  );

  it('rejects an unknown top-level field', () => {
    const details = problems({ ...specExample(), extra: 1 });
    expect(details).toHaveLength(1);
    expect(JSON.stringify(details)).toContain('extra');
  });

  it('rejects an unknown cart field, at the cart', () => {
    const body = specExample();
    body.cart.discount = '5.00';
    const details = problems(body);
    expect(details.map((d) => d.path)).toEqual(['cart']);
    expect(details[0]?.problem).toContain('discount');
  });

  it('rejects an unknown item field, at the item', () => {
    const body = specExample();
    body.cart.items = [{ ...body.cart.items[0], colour: 'blue' }];
    expect(paths(body)).toEqual(['cart.items[0]']);
  });

  it.each(['c 42', 'c/42', '../etc', 'a..b', '', '-c42', 'c\n42', 'c'.repeat(129), 'ç42'])(
    'rejects the id "%s" for carts and events',
    (id) => {
      const body = specExample();
      body.id = id;
      body.cart.id = id;
      expect(paths(body).sort()).toEqual(['cart.id', 'id']);
    },
  );

  it.each(['c_42', 'gid:shopify:1', 'a.b-c_d', 'C'.repeat(128)])('accepts the id "%s"', (id) => {
    const body = specExample();
    body.cart.id = id;
    expect(parseCartEvent(body).ok).toBe(true);
  });

  it.each([null, 42, 'text', [], true])('rejects a body that is not an object (%s)', (body) => {
    expect(paths(body)).toEqual(['(body)']);
  });

  it('never throws on any JSON value, and says why when it rejects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = parseCartEvent(value);
        if (!result.ok) expect(result.details.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws on near-valid events with any field replaced by any JSON value', () => {
    const keys = [
      ['id'],
      ['type'],
      ['occurredAt'],
      ['orderId'],
      ['cart', 'id'],
      ['cart', 'email'],
      ['cart', 'currency'],
      ['cart', 'total'],
      ['cart', 'items'],
      ['cart', 'timezone'],
      ['cart', 'items', 0, 'price'],
      ['cart', 'items', 0, 'quantity'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (path, value) => {
        const body = specExample();
        let target: Record<string | number, unknown> = body;
        for (const key of path.slice(0, -1))
          target = target[key] as Record<string | number, unknown>;
        target[path.at(-1) as string | number] = value;
        const result = parseCartEvent(body);
        if (!result.ok) expect(result.details.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
