import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signShopifyBody, verifyShopifyHmac } from './signature.ts';

const SECRET = 'shpss_test_secret_0123456789';
const BODY =
  '{"id":981820079255243537,"token":"4b1f0c5e8d2a4e7f9b3c6a1d5e8f2b7c","total_price":"84.50"}';

// Computed independently of the module under test, the way Shopify's docs describe it.
const shopifyHeader = (body: string | Uint8Array, secret: string) =>
  createHmac('sha256', secret).update(body).digest('base64');

describe('verifyShopifyHmac', () => {
  it('accepts the header Shopify would send for the raw body', () => {
    expect(verifyShopifyHmac(BODY, shopifyHeader(BODY, SECRET), SECRET)).toBe(true);
    expect(verifyShopifyHmac(Buffer.from(BODY), shopifyHeader(BODY, SECRET), SECRET)).toBe(true);
  });

  it('accepts a signature made by signShopifyBody', () => {
    expect(signShopifyBody(BODY, SECRET)).toBe(shopifyHeader(BODY, SECRET));
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyShopifyHmac(BODY, shopifyHeader(BODY, 'another-secret'), SECRET)).toBe(false);
  });

  it('rejects a body altered by one byte', () => {
    const bytes = new TextEncoder().encode(BODY);
    const header = shopifyHeader(bytes, SECRET);
    const altered = Uint8Array.from(bytes);
    altered[10] = (altered[10] ?? 0) ^ 0x01;
    expect(verifyShopifyHmac(altered, header, SECRET)).toBe(false);
  });

  it('rejects any single-byte change anywhere in the body', () => {
    const bytes = new TextEncoder().encode(BODY);
    const header = shopifyHeader(bytes, SECRET);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (index, flip) => {
          const altered = Uint8Array.from(bytes);
          altered[index] = (altered[index] ?? 0) ^ flip;
          return !verifyShopifyHmac(altered, header, SECRET);
        },
      ),
    );
  });

  it('rejects a missing or empty header', () => {
    expect(verifyShopifyHmac(BODY, undefined, SECRET)).toBe(false);
    expect(verifyShopifyHmac(BODY, '', SECRET)).toBe(false);
  });

  it('rejects a header that is not base64', () => {
    const good = shopifyHeader(BODY, SECRET);
    expect(verifyShopifyHmac(BODY, `${good.slice(0, 20)}!@#${good.slice(23)}`, SECRET)).toBe(false);
    // Hex of the right MAC is a common integration mistake; it must not pass.
    const hex = createHmac('sha256', SECRET).update(BODY).digest('hex');
    expect(verifyShopifyHmac(BODY, hex, SECRET)).toBe(false);
  });

  it('rejects a base64 header of the wrong length', () => {
    const mac = createHmac('sha256', SECRET).update(BODY).digest();
    expect(verifyShopifyHmac(BODY, mac.subarray(0, 16).toString('base64'), SECRET)).toBe(false);
    expect(
      verifyShopifyHmac(BODY, Buffer.concat([mac, Buffer.from([0])]).toString('base64'), SECRET),
    ).toBe(false);
  });
});
