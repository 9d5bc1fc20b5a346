import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PlatformDelivery } from '../../src/platforms/platform.ts';
import {
  signWooCommerceBody,
  verifyWooCommerceSignature,
} from '../../src/platforms/woocommerce/signature.ts';

const SECRET = 'wc-secret-7Hq2Lm9Xv4';
const NEXT = 'wc-secret-next-3Rk8Pz';
const BODY = '{"id":5127,"status":"pending"}';

function delivery(body: string, signature?: string): PlatformDelivery {
  return {
    body: new TextEncoder().encode(body),
    header: (name) => (name.toLowerCase() === 'x-wc-webhook-signature' ? signature : undefined),
    receivedAt: 0,
    json: () => JSON.parse(body),
  };
}

describe('X-WC-Webhook-Signature', () => {
  it('accepts base64 HMAC-SHA256 of the raw body, as WooCommerce computes it, with any secret', () => {
    const expected = createHmac('sha256', SECRET).update(BODY).digest('base64');
    expect(signWooCommerceBody(SECRET, BODY)).toBe(expected);
    expect(verifyWooCommerceSignature(delivery(BODY, expected), [SECRET]).ok).toBe(true);
    expect(verifyWooCommerceSignature(delivery(BODY, expected), [NEXT, SECRET]).ok).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a hex signature or none, naming the header', () => {
    const good = signWooCommerceBody(SECRET, BODY);
    const hex = createHmac('sha256', SECRET).update(BODY).digest('hex');
    for (const [body, signature] of [
      [BODY, signWooCommerceBody(NEXT, BODY)],
      [BODY.replace('pending', 'processing'), good],
      [BODY, hex],
      [BODY, undefined],
    ] as const) {
      expect(verifyWooCommerceSignature(delivery(body, signature), [SECRET])).toEqual({
        ok: false,
        problem: {
          path: '(headers).x-wc-webhook-signature',
          problem: 'is missing or does not match the body for any configured secret',
        },
      });
    }
  });

  it('lets through only the unsigned save-time ping, whose body is webhook_id=<n>', () => {
    expect(verifyWooCommerceSignature(delivery('webhook_id=17'), [SECRET]).ok).toBe(true);
    expect(verifyWooCommerceSignature(delivery('webhook_id=17&x=1'), [SECRET]).ok).toBe(false);
    expect(verifyWooCommerceSignature(delivery('{"webhook_id":17}'), [SECRET]).ok).toBe(false);
  });
});
