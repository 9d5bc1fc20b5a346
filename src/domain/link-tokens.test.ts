import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLinkSigner, InvalidLinkSecretError, type LinkPayload } from './link-tokens.ts';

const signer = createLinkSigner('test-secret-0123456789abcdef');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ';

const email = fc.emailAddress();
const cartId = fc.string({ minLength: 1, maxLength: 40 });
const payload: fc.Arbitrary<LinkPayload> = fc.oneof(
  fc.record({
    purpose: fc.constant('unsubscribe' as const),
    email,
    cartId: fc.option(cartId, { nil: null }),
  }),
  fc.record({ purpose: fc.constant('resubscribe' as const), email }),
  fc.record({
    purpose: fc.constant('click' as const),
    cartId,
    step: fc.integer({ min: 1, max: 20 }),
  }),
);

function bodyOf(token: string): string {
  return token.slice(0, token.indexOf('.'));
}
function sigOf(token: string): string {
  return token.slice(token.indexOf('.') + 1);
}

describe('link tokens', () => {
  it('round-trips every purpose', () => {
    fc.assert(
      fc.property(payload, (p) => {
        expect(signer.verify(signer.sign(p))).toEqual({ ok: true, payload: p });
      }),
    );
  });

  it('fails when any single character of a valid token is changed', () => {
    fc.assert(
      fc.property(payload, fc.nat(), fc.constantFrom(...ALPHABET), (p, where, replacement) => {
        const token = signer.sign(p);
        const i = where % token.length;
        fc.pre(token[i] !== replacement);
        const altered = token.slice(0, i) + replacement + token.slice(i + 1);
        expect(signer.verify(altered).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('cannot turn a token for address A into one for address B', () => {
    fc.assert(
      fc.property(email, email, fc.option(cartId, { nil: null }), (a, b, c) => {
        fc.pre(a !== b);
        const forA = signer.sign({ purpose: 'unsubscribe', email: a, cartId: c });
        const forB = signer.sign({ purpose: 'unsubscribe', email: b, cartId: c });
        // B's body with A's signature: the splice an attacker would try.
        expect(signer.verify(`${bodyOf(forB)}.${sigOf(forA)}`).ok).toBe(false);
        expect(forA).not.toBe(forB);
      }),
    );
  });

  it('does not verify a token signed for one purpose as another', () => {
    const click = signer.sign({ purpose: 'click', cartId: 'c_42', step: 1 });
    expect(signer.verify(click, 'unsubscribe')).toEqual({
      ok: false,
      problem: 'link token is for click, not unsubscribe',
    });
    const unsub = signer.sign({ purpose: 'unsubscribe', email: 'sam@example.com', cartId: null });
    expect(signer.verify(unsub, 'resubscribe').ok).toBe(false);
    expect(signer.verify(unsub, 'unsubscribe').ok).toBe(true);
  });

  it('cannot relabel a token by swapping in a body with another purpose', () => {
    const unsub = signer.sign({ purpose: 'unsubscribe', email: 'sam@example.com', cartId: null });
    const forged = Buffer.from(JSON.stringify({ p: 'r', e: 'sam@example.com' })).toString(
      'base64url',
    );
    expect(signer.verify(`${forged}.${sigOf(unsub)}`).ok).toBe(false);
  });

  it('refuses tokens signed with another secret', () => {
    const other = createLinkSigner('another-secret-0123456789abcdef');
    const token = other.sign({ purpose: 'resubscribe', email: 'sam@example.com' });
    expect(signer.verify(token)).toMatchObject({ ok: false });
  });

  it('refuses malformed and oversized input without throwing', () => {
    for (const bad of ['', '.', 'abc', 'a.b.c', '!!!.abc', 'x'.repeat(5000)]) {
      expect(signer.verify(bad).ok).toBe(false);
    }
  });

  it('refuses to sign a click link for a step that cannot exist', () => {
    expect(() => signer.sign({ purpose: 'click', cartId: 'c', step: 0 })).toThrow(RangeError);
  });

  it('keeps typical tokens short enough for a URL', () => {
    const long = signer.sign({
      purpose: 'unsubscribe',
      email: 'firstname.lastname+shopping@some-long-domain.example.co.uk',
      cartId: 'gid://shopify/Checkout/1234567890abcdef',
    });
    expect(long.length).toBeLessThan(300);
    expect(long).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('rejects a short secret', () => {
    expect(() => createLinkSigner('short')).toThrow(InvalidLinkSecretError);
  });
});
