import { describe, expect, it } from 'vitest';
import { makeCart } from '../../test/support/cart-fixtures.ts';
import {
  BROWSER_TOKEN,
  browserCartId,
  browserCartKey,
  keepFrozenFields,
  reminderWentOut,
} from './browser-cart.ts';

const KEY = browserCartKey('link-secret-0123456789');
const TOKEN = 'A'.repeat(32);

describe('browser cart ids', () => {
  it('are web_ and 32 base64url characters, the same for one token and store cart id', () => {
    const id = browserCartId(KEY, TOKEN, 'c_1001');
    expect(id).toMatch(/^web_[A-Za-z0-9_-]{32}$/);
    expect(browserCartId(KEY, TOKEN, 'c_1001')).toBe(id);
  });

  it('differ for another token, another cart id, or another server secret', () => {
    const id = browserCartId(KEY, TOKEN, 'c_1001');
    expect(browserCartId(KEY, 'B'.repeat(32), 'c_1001')).not.toBe(id);
    expect(browserCartId(KEY, TOKEN, 'c_1002')).not.toBe(id);
    expect(browserCartId(browserCartKey('another-secret-0123'), TOKEN, 'c_1001')).not.toBe(id);
    // The separator keeps (token, hint) pairs apart that would concatenate alike.
    expect(browserCartId(KEY, `${TOKEN}x`, 'y')).not.toBe(browserCartId(KEY, TOKEN, 'xy'));
  });

  it('take tokens of at least 128 bits of base64url', () => {
    expect(BROWSER_TOKEN.test(TOKEN)).toBe(true);
    expect(BROWSER_TOKEN.test('A'.repeat(21))).toBe(false);
    expect(BROWSER_TOKEN.test(`${'A'.repeat(30)}+/`)).toBe(false);
  });
});

describe('what a reminded cart keeps', () => {
  const before = makeCart({
    id: 'web_x',
    remindersSent: 1,
    knownEmails: ['sam@example.com'],
    fieldStamps: { email: '1|a', restoreUrl: '1|a' },
  });

  it('a reminder sent, or one claimed and maybe on its way, freezes the cart', () => {
    expect(reminderWentOut(makeCart())).toBe(false);
    expect(reminderWentOut(makeCart({ remindersSent: 1 }))).toBe(true);
    expect(reminderWentOut(makeCart({ claimedStep: 1 }))).toBe(true);
    expect(reminderWentOut(makeCart({ firstReminderAt: 5 }))).toBe(true);
  });

  it('puts back the address (with its known addresses and stamps) and the link; the rest changes', () => {
    const after = {
      ...before,
      email: 'attacker@example.com',
      knownEmails: ['attacker@example.com', 'sam@example.com'],
      restoreUrl: 'https://shop.example/account/delete',
      totalMinor: 1,
      fieldStamps: { email: '2|b', restoreUrl: '2|b', timezone: '2|b' },
    };
    const { cart, kept } = keepFrozenFields(before, after);
    expect(kept).toEqual(['email', 'restoreUrl']);
    expect(cart).toEqual({
      ...after,
      email: 'sam@example.com',
      knownEmails: ['sam@example.com'],
      restoreUrl: 'https://shop.example/cart/web_x',
      fieldStamps: { email: '1|a', restoreUrl: '1|a', timezone: '2|b' },
    });
  });

  it('leaves an unchanged cart as it is', () => {
    const after = { ...before, totalMinor: 1 };
    expect(keepFrozenFields(before, after)).toEqual({ cart: after, kept: [] });
  });
});
