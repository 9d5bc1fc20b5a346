import { describe, expect, it } from 'vitest';
import { BARE, makeCart } from '../../test/support/cart-fixtures.ts';
import type { Cart } from './cart.ts';
import { checkGate, type GateInput, GateRule, SENDER_HEALTH_WAIT_MS, shopperZone } from './gate.ts';
import { DEFAULT_POLICY, HOUR } from './policy.ts';

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;
// Midday in Paris and New York alike: no quiet hours unless a test moves the clock.
const NOON_UTC = at('2026-06-10T15:00:00Z');

function cart(over: Partial<Cart> = {}): Cart {
  const active = NOON_UTC - 2 * HOUR;
  return makeCart({
    ...BARE,
    currency: 'EUR',
    createdAt: active,
    lastActivityAt: active,
    version: 1,
    ...over,
  });
}

function input(over: Partial<GateInput> = {}): GateInput {
  return {
    cart: cart(),
    addressBlock: null,
    recentSendsToAddress: [],
    newestOpenCartId: 'c_1',
    lastPurchaseByAddress: null,
    senderPaused: false,
    snippetBudgetFull: false,
    policy: DEFAULT_POLICY,
    now: NOON_UTC,
    ...over,
  };
}

describe('checkGate', () => {
  it('is open when nothing holds', () => {
    expect(checkGate(input())).toEqual({ verdict: 'open' });
  });

  it.each(['unsubscribed', 'bounced', 'complained'] as const)(
    'never mails an address that %s, whatever else holds',
    (kind) => {
      const everything = input({
        addressBlock: kind,
        cart: cart({ consent: false }),
        policy: { ...DEFAULT_POLICY, requireConsent: true },
        now: at('2026-06-10T23:00:00Z'),
        senderPaused: true,
      });
      expect(checkGate(everything)).toEqual({ verdict: 'never', rule: kind });
    },
  );

  it('consent: only an explicit false blocks, and only when the store requires consent', () => {
    const requiring = { ...DEFAULT_POLICY, requireConsent: true };
    expect(checkGate(input({ policy: requiring, cart: cart({ consent: false }) }))).toEqual({
      verdict: 'never',
      rule: GateRule.noConsent,
    });
    expect(checkGate(input({ policy: requiring, cart: cart({ consent: null }) })).verdict).toBe(
      'open',
    );
    expect(checkGate(input({ cart: cart({ consent: false }) })).verdict).toBe('open');
  });

  it("quiet hours follow the shopper's zone, else the store's", () => {
    // 22:30 UTC: 00:30 in Paris (quiet), 18:30 in New York (not quiet).
    const now = at('2026-06-10T22:30:00Z');
    const paris = cart({ timezone: 'Europe/Paris' });
    const ny = cart({ timezone: 'America/New_York' });
    expect(checkGate(input({ now, cart: paris }))).toEqual({
      verdict: 'wait',
      rule: GateRule.quietHours,
      until: at('2026-06-11T06:00:00Z'),
    });
    expect(checkGate(input({ now, cart: ny })).verdict).toBe('open');
    const nyStore = { ...DEFAULT_POLICY, storeTimeZone: 'America/New_York' };
    expect(checkGate(input({ now, policy: nyStore })).verdict).toBe('open');
    const parisStore = { ...DEFAULT_POLICY, storeTimeZone: 'Europe/Paris' };
    expect(checkGate(input({ now, policy: parisStore }))).toMatchObject({ rule: 'quiet_hours' });
    // The shopper's zone wins over the store's.
    expect(checkGate(input({ now, policy: parisStore, cart: ny })).verdict).toBe('open');
  });

  it('quiet hours off lets a night send through', () => {
    const now = at('2026-06-10T23:30:00Z');
    expect(checkGate(input({ now })).verdict).toBe('wait');
    expect(checkGate(input({ now, policy: { ...DEFAULT_POLICY, quietHours: null } })).verdict).toBe(
      'open',
    );
  });

  it('an unknown shopper zone falls back to the store zone instead of failing', () => {
    expect(shopperZone('Not/AZone', 'Europe/Paris')).toBe('Europe/Paris');
    const now = at('2026-06-10T22:30:00Z');
    const policy = { ...DEFAULT_POLICY, storeTimeZone: 'Europe/Paris' };
    expect(checkGate(input({ now, policy, cart: cart({ timezone: 'Not/AZone' }) }))).toMatchObject({
      verdict: 'wait',
      rule: 'quiet_hours',
    });
  });

  it('frequency cap: waits until the newest send to the address plus the cap', () => {
    const sends = [NOON_UTC - 19 * HOUR, NOON_UTC - 5 * HOUR];
    expect(checkGate(input({ recentSendsToAddress: sends }))).toEqual({
      verdict: 'wait',
      rule: GateRule.frequencyCap,
      until: NOON_UTC + 15 * HOUR,
    });
    // Exactly one cap after the newest send, the gate opens.
    expect(checkGate(input({ recentSendsToAddress: [NOON_UTC - 20 * HOUR] })).verdict).toBe('open');
    const noCap = { ...DEFAULT_POLICY, frequencyCapMs: null };
    expect(checkGate(input({ recentSendsToAddress: sends, policy: noCap })).verdict).toBe('open');
  });

  it('only the newest open cart of an address is chased', () => {
    expect(checkGate(input({ newestOpenCartId: 'c_2' }))).toEqual({
      verdict: 'not_this_cart',
      rule: GateRule.olderCart,
    });
    expect(checkGate(input({ newestOpenCartId: null })).verdict).toBe('open');
  });

  it('purchase guard: the address bought after this cart was last active, or within the grace before', () => {
    const active = NOON_UTC - 2 * HOUR;
    const held = { verdict: 'not_this_cart', rule: GateRule.boughtElsewhere };
    expect(checkGate(input({ lastPurchaseByAddress: active + MIN }))).toEqual(held);
    expect(checkGate(input({ lastPurchaseByAddress: active }))).toEqual(held);
    // Bought 23 h before the cart's last activity: within the 24 h default grace.
    expect(checkGate(input({ lastPurchaseByAddress: active - 23 * HOUR }))).toEqual(held);
    expect(checkGate(input({ lastPurchaseByAddress: active - 24 * HOUR }))).toEqual(held);
    // Longer ago: a new shopping trip, chased as usual.
    expect(checkGate(input({ lastPurchaseByAddress: active - 24 * HOUR - 1 })).verdict).toBe(
      'open',
    );
    const noGrace = { ...DEFAULT_POLICY, boughtGraceMs: 0 };
    expect(checkGate(input({ policy: noGrace, lastPurchaseByAddress: active - MIN })).verdict).toBe(
      'open',
    );
  });

  it('sender health: every nudge waits an hour', () => {
    expect(checkGate(input({ senderPaused: true }))).toEqual({
      verdict: 'wait',
      rule: GateRule.senderHealth,
      until: NOON_UTC + SENDER_HEALTH_WAIT_MS,
    });
    expect(SENDER_HEALTH_WAIT_MS).toBe(HOUR);
  });

  it('applies the rules in SPEC order', () => {
    const night = at('2026-06-10T23:30:00Z');
    const all = input({
      policy: { ...DEFAULT_POLICY, requireConsent: true },
      cart: cart({ consent: false }),
      now: night,
      recentSendsToAddress: [night - HOUR],
      newestOpenCartId: 'c_2',
      lastPurchaseByAddress: night,
      senderPaused: true,
      snippetBudgetFull: true,
    });
    const order: string[] = [];
    let current = all;
    const peel = [
      (i: GateInput) => ({ ...i, cart: cart({ consent: true }) }),
      (i: GateInput) => ({ ...i, lastPurchaseByAddress: null }),
      (i: GateInput) => ({ ...i, now: NOON_UTC, recentSendsToAddress: [NOON_UTC - HOUR] }),
      (i: GateInput) => ({ ...i, newestOpenCartId: 'c_1' }),
      (i: GateInput) => ({ ...i, recentSendsToAddress: [] }),
      (i: GateInput) => ({ ...i, senderPaused: false }),
      (i: GateInput) => ({ ...i, snippetBudgetFull: false }),
    ];
    for (const next of peel) {
      const v = checkGate(current);
      order.push(v.verdict === 'open' ? 'open' : v.rule);
      current = next(current);
    }
    const last = checkGate(current);
    order.push(last.verdict === 'open' ? 'open' : last.rule);
    expect(order).toEqual([
      'no_consent',
      'bought_elsewhere',
      'quiet_hours',
      'older_cart',
      'frequency_cap',
      'sender_health',
      'snippet_daily_cap',
      'open',
    ]);
  });

  it("the browser lane's spent budget of new addresses: not this cart, and nothing else", () => {
    expect(checkGate(input({ snippetBudgetFull: true }))).toEqual({
      verdict: 'not_this_cart',
      rule: GateRule.snippetDailyCap,
    });
  });
});
