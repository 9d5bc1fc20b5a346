import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clickLanding,
  createLinkSigner,
  InvalidLinkSecretError,
  type LinkPayload,
  restoreTarget,
} from './link-tokens.ts';

const SECRET = 'test-secret-0123456789abcdef';
const signer = createLinkSigner(SECRET);
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
    target: fc.webUrl().map(restoreTarget),
  }),
);

/**
 * A token as the code before v2 made it (readable JSON, HMAC-signed): these are in inboxes.
 * Spelled out here, apart from the code, so a change that stops them verifying shows.
 */
function legacyToken(wire: unknown, secret = SECRET): string {
  const body = Buffer.from(JSON.stringify(wire), 'utf8').toString('base64url');
  const sig = createHmac('sha256', secret)
    .update('cart-recovery/link/v1\n')
    .update(body)
    .digest('base64url');
  return `${body}.${sig}`;
}

const sealed = (token: string) => Buffer.from(token.slice('v2.'.length), 'base64url');

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

  it('shows nothing of the address or the cart, in the link or in its decoded bytes', () => {
    fc.assert(
      fc.property(email, cartId, (address, cart) => {
        fc.pre(cart.length >= 4);
        const token = signer.sign({ purpose: 'unsubscribe', email: address, cartId: cart });
        expect(token).toMatch(/^v2\.[A-Za-z0-9_-]+$/);
        const bytes = sealed(token).toString('latin1');
        for (const text of [address, cart, '"e":', '"p":']) {
          expect(token).not.toContain(text);
          expect(bytes).not.toContain(text);
        }
        const back = signer.sign({ purpose: 'resubscribe', email: address });
        expect(sealed(back).toString('latin1')).not.toContain(address);
      }),
    );
  });

  it('a token is the same whenever it is made (no randomness), and differs for another address', () => {
    const make = (address: string) =>
      signer.sign({ purpose: 'unsubscribe', email: address, cartId: 'c_42' });
    expect(make('sam@example.com')).toBe(make('sam@example.com'));
    expect(make('sam@example.com')).not.toBe(make('kim@example.com'));
  });

  it('cannot turn a token for address A into one for address B by splicing', () => {
    fc.assert(
      fc.property(email, email, fc.option(cartId, { nil: null }), (a, b, c) => {
        fc.pre(a !== b);
        const forA = sealed(signer.sign({ purpose: 'unsubscribe', email: a, cartId: c }));
        const forB = sealed(signer.sign({ purpose: 'unsubscribe', email: b, cartId: c }));
        // A's nonce and tag around B's ciphertext, and B's bytes under A's tag.
        const spliced = [
          Buffer.concat([forA.subarray(0, 12), forB.subarray(12)]),
          Buffer.concat([forB.subarray(0, -16), forA.subarray(-16)]),
        ];
        for (const bytes of spliced) {
          expect(signer.verify(`v2.${bytes.toString('base64url')}`).ok).toBe(false);
        }
      }),
    );
  });

  it('does not verify a token signed for one purpose as another', () => {
    const click = signer.sign({
      purpose: 'click',
      cartId: 'c_42',
      step: 1,
      target: restoreTarget('https://shop.example/cart/c_42'),
    });
    expect(signer.verify(click, 'unsubscribe')).toEqual({
      ok: false,
      problem: 'link token is for click, not unsubscribe',
    });
    const unsub = signer.sign({ purpose: 'unsubscribe', email: 'sam@example.com', cartId: null });
    expect(signer.verify(unsub, 'resubscribe').ok).toBe(false);
    expect(signer.verify(unsub, 'unsubscribe').ok).toBe(true);
  });

  it('refuses tokens signed with another secret', () => {
    const other = createLinkSigner('another-secret-0123456789abcdef');
    const token = other.sign({ purpose: 'resubscribe', email: 'sam@example.com' });
    expect(signer.verify(token)).toMatchObject({ ok: false });
    expect(
      signer.verify(
        legacyToken({ p: 'r', e: 'sam@example.com' }, 'another-secret-0123456789abcdef'),
      ).ok,
    ).toBe(false);
  });

  it('refuses malformed and oversized input without throwing', () => {
    const bad = ['', '.', 'abc', 'a.b.c', '!!!.abc', 'v2.', 'v2.abc', 'v2.!!!', 'v2..', 'v3.abc'];
    for (const token of [...bad, 'x'.repeat(5000), `v2.${'A'.repeat(3000)}`]) {
      expect(signer.verify(token).ok).toBe(false);
    }
  });

  it('refuses to sign a click link for a step that cannot exist, or with no real target', () => {
    const target = restoreTarget('https://shop.example/cart/c');
    expect(() => signer.sign({ purpose: 'click', cartId: 'c', step: 0, target })).toThrow(
      RangeError,
    );
    expect(() =>
      signer.sign({ purpose: 'click', cartId: 'c', step: 1, target: 'https://evil.example/' }),
    ).toThrow(RangeError);
  });

  it('keeps tokens short: typical ones under 300 characters, the longest allowed under 1,000', () => {
    const typical = signer.sign({
      purpose: 'unsubscribe',
      email: 'firstname.lastname+shopping@some-long-domain.example.co.uk',
      cartId: 'gid://shopify/Checkout/1234567890abcdef',
    });
    expect(typical.length).toBeLessThan(300);
    const longest = signer.sign({
      purpose: 'unsubscribe',
      email: `${'a'.repeat(64)}@${'b'.repeat(185)}.com`,
      cartId: 'c'.repeat(128),
    });
    expect(longest.length).toBeLessThan(1000);
    expect(signer.verify(longest).ok).toBe(true);
  });

  it('rejects a short secret', () => {
    expect(() => createLinkSigner('short')).toThrow(InvalidLinkSecretError);
  });
});

describe('links sent before v2 (still in inboxes)', () => {
  it('verify as they always did, a click with no target', () => {
    expect(signer.verify(legacyToken({ p: 'u', e: 'sam@example.com', c: 'c_42' }))).toEqual({
      ok: true,
      payload: { purpose: 'unsubscribe', email: 'sam@example.com', cartId: 'c_42' },
    });
    expect(signer.verify(legacyToken({ p: 'r', e: 'sam@example.com' }), 'resubscribe').ok).toBe(
      true,
    );
    expect(signer.verify(legacyToken({ p: 'c', c: 'c_42', s: 2 }), 'click')).toEqual({
      ok: true,
      payload: { purpose: 'click', cartId: 'c_42', step: 2, target: null },
    });
  });

  it('cannot be spliced onto another address or relabelled', () => {
    const real = legacyToken({ p: 'u', e: 'sam@example.com', c: null });
    const sig = real.slice(real.indexOf('.') + 1);
    for (const wire of [
      { p: 'u', e: 'victim@example.com', c: null },
      { p: 'r', e: 'sam@example.com' },
    ]) {
      const body = Buffer.from(JSON.stringify(wire)).toString('base64url');
      expect(signer.verify(`${body}.${sig}`).ok).toBe(false);
    }
  });
});

describe('where a click lands', () => {
  const URL_A = 'https://shop.example/cart/c_42';
  const stamp = (at: number) => `${String(at).padStart(15, '0')}|evt_1`;
  const cart = (over: Partial<Parameters<typeof clickLanding>[0]> = {}) => ({
    restoreUrl: URL_A,
    fieldStamps: { restoreUrl: stamp(1_000) },
    lastReminderAt: 5_000,
    ...over,
  });

  it('a v2 link: on to the link it was sent with, never to one set since', () => {
    expect(clickLanding(cart(), restoreTarget(URL_A))).toEqual({ kind: 'restore', url: URL_A });
    const moved = cart({
      restoreUrl: 'https://evil.example/',
      fieldStamps: { restoreUrl: stamp(9_000) },
    });
    expect(clickLanding(moved, restoreTarget(URL_A))).toEqual({
      kind: 'gone',
      why: 'link_changed',
    });
    expect(clickLanding(cart({ restoreUrl: null }), restoreTarget(URL_A))).toEqual({
      kind: 'gone',
      why: 'no_link',
    });
  });

  it('a v1 link: on while the link is the one the last reminder went out with', () => {
    expect(clickLanding(cart(), null)).toEqual({ kind: 'restore', url: URL_A });
    expect(clickLanding(cart({ fieldStamps: { restoreUrl: stamp(5_000) } }), null)).toMatchObject({
      kind: 'restore',
    });
    expect(clickLanding(cart({ fieldStamps: {} }), null)).toMatchObject({ kind: 'restore' });
    expect(clickLanding(cart({ fieldStamps: { restoreUrl: stamp(5_001) } }), null)).toEqual({
      kind: 'gone',
      why: 'link_changed',
    });
    expect(clickLanding(cart({ lastReminderAt: null }), null)).toEqual({
      kind: 'gone',
      why: 'link_changed',
    });
  });
});

describe('verifying with previous secrets (a rotation)', () => {
  const OLD = 'old-link-secret-0123456789';
  const NEW = 'new-link-secret-0123456789';
  const payload = { purpose: 'unsubscribe', email: 'a@shop.test', cartId: 'c_1' } as const;

  it('verifies links signed with a previous secret, and signs only with the current one', () => {
    const sent = createLinkSigner(OLD).sign(payload);
    const rotated = createLinkSigner(NEW, [OLD]);
    expect(rotated.verify(sent, 'unsubscribe')).toEqual({ ok: true, payload });
    const fresh = rotated.sign(payload);
    expect(createLinkSigner(NEW).verify(fresh).ok).toBe(true);
    expect(createLinkSigner(OLD).verify(fresh).ok).toBe(false);
  });

  it('still refuses a token no known secret signed, and a purpose mismatch under an old one', () => {
    const stranger = createLinkSigner('someone-elses-secret-0123').sign(payload);
    const rotated = createLinkSigner(NEW, [OLD]);
    expect(rotated.verify(stranger)).toEqual({
      ok: false,
      problem: 'link token signature does not match',
    });
    const click = createLinkSigner(OLD).sign({
      purpose: 'click',
      cartId: 'c_1',
      step: 1,
      target: restoreTarget('https://shop.test/c'),
    });
    expect(rotated.verify(click, 'unsubscribe').ok).toBe(false);
  });
});
