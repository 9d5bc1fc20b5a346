import { describe, expect, it } from 'vitest';
import { makeCart } from '../../../test/support/cart-fixtures.ts';
import { packJson, unpackJson } from './dynamodb-tables.ts';

describe('packJson / unpackJson', () => {
  it('gives back exactly what went in, unicode and numbers included', () => {
    const cart = makeCart({
      items: [
        {
          sku: 'Ü-1',
          name: 'Tasse — blau ☕',
          quantity: 3,
          priceMinor: 1999,
          url: null,
          imageUrl: null,
        },
      ],
    });
    expect(unpackJson(packJson(cart))).toEqual(cart);
  });

  it('stores a realistic cart in a fraction of its JSON', () => {
    const url = (n: number) =>
      `https://linen-and-loom.example.com/products/linen-shirt-relaxed-fit-${n}?variant=44012345670002&utm_source=cart`;
    const cart = makeCart({
      items: [1, 2, 3].map((n) => ({
        sku: `SHIRT-LIN-${n}`,
        name: `Linen shirt relaxed fit ${n}`,
        quantity: 1,
        priceMinor: 5900,
        url: url(n),
        imageUrl: `https://cdn.linen-and-loom.example.com/files/shirt-${n}-front_1024x1024.jpg`,
      })),
      restoreUrl: `${url(0)}&recover=1`,
    });
    const json = Buffer.byteLength(JSON.stringify(cart));
    expect(packJson(cart).byteLength).toBeLessThan(json / 2);
  });

  it('still reads rows written as plain JSON text before compression', () => {
    expect(unpackJson('{"id":"c_1","n":2}')).toEqual({ id: 'c_1', n: 2 });
  });

  it('names what it cannot read', () => {
    expect(() => unpackJson(42)).toThrow(/neither JSON text nor compressed JSON/);
  });
});
