import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BARE, makeCart } from '../../test/support/cart-fixtures.ts';
import type { AuditAction, StoredAuditEntry } from './audit.ts';
import type { Cart } from './cart.ts';
import { DAY, HOUR } from './policy.ts';
import { InvalidMonthError, mainCurrency, monthRange, summarizeMonth } from './summary.ts';

const NOV = Date.UTC(2026, 10, 1); // 2026-11-01T00:00Z

function cart(id: string, over: Partial<Cart> = {}): Cart {
  return makeCart({
    ...BARE,
    id,
    email: `${id}@example.com`,
    totalMinor: 1000,
    createdAt: NOV + DAY,
    lastActivityAt: NOV + DAY,
    lastEventId: 'e',
    version: 1,
    ...over,
  });
}

let seq = 0;
function row(
  action: AuditAction,
  at: number,
  over: Partial<StoredAuditEntry> = {},
): StoredAuditEntry {
  seq += 1;
  return {
    id: `a${seq}`,
    cartId: null,
    email: null,
    action,
    actor: 'system',
    at,
    reason: null,
    detail: null,
    before: null,
    after: null,
    ...over,
  };
}

const base = { month: '2026-11', zone: 'UTC', holdoutShare: 0 };

describe('monthRange', () => {
  it('uses local midnights, so a month in a zone ahead of UTC starts the evening before in UTC', () => {
    const r = monthRange('2026-11', 'Asia/Tokyo');
    expect(new Date(r.from).toISOString()).toBe('2026-10-31T15:00:00.000Z');
    expect(new Date(r.to).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });

  it('is an hour short in the month clocks spring forward', () => {
    const r = monthRange('2026-03', 'Europe/Paris');
    expect(new Date(r.from).toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(new Date(r.to).toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(r.to - r.from).toBe(31 * DAY - HOUR);
  });

  it('rolls December into January of the next year', () => {
    const r = monthRange('2026-12', 'America/New_York');
    expect(new Date(r.to).toISOString()).toBe('2027-01-01T05:00:00.000Z');
  });

  it('rejects text that is not a month', () => {
    expect(() => monthRange('2026-13', 'UTC')).toThrow(InvalidMonthError);
    expect(() => monthRange('Nov 2026', 'UTC')).toThrow(/YYYY-MM/);
  });

  it('refuses months before 1970 rather than read year 99 as 1999', () => {
    expect(() => monthRange('0099-05', 'UTC')).toThrow(/before 1970/);
    expect(monthRange('1970-01', 'UTC').from).toBe(0);
  });
});

describe('summarizeMonth', () => {
  it('counts a hand-made month', () => {
    const t = NOV + 2 * DAY;
    const carts = [
      // c1: abandoned, reminded twice, clicked, recovered.
      cart('c1', { abandonedAt: t, boughtAt: t + DAY, recoveredAt: t + DAY, totalMinor: 8450 }),
      // c2: abandoned, bought after the reminder window: recoveredAt stays null, not recovered.
      cart('c2', { abandonedAt: t, boughtAt: t + 20 * DAY }),
      // c3: abandoned and written off.
      cart('c3', { abandonedAt: t, status: 'closed', closedReason: 'written_off' }),
      // c4: no email, abandoned, expired.
      cart('c4', { email: null, abandonedAt: t }),
      // c5: created last month, bought this month before any abandon: not counted anywhere here.
      cart('c5', { createdAt: NOV - DAY, boughtAt: t }),
    ];
    const audit = [
      row('reminder_sent', t, { cartId: 'c1', detail: { step: 1 } }),
      row('reminder_sent', t + HOUR, { cartId: 'c1', detail: { step: 2 } }),
      row('reminder_sent', t, { cartId: 'c2', detail: { step: 1 } }),
      row('reminder_sent', NOV - HOUR, { cartId: 'old', detail: { step: 3 } }), // last month
      row('clicked', t + 1, { cartId: 'c1' }),
      row('clicked', t + 2, { cartId: 'c1' }), // same cart again: still one
      row('write_off', t, { cartId: 'c3', actor: 'sam', reason: 'test order' }),
      row('expired', t + 7 * DAY, { cartId: 'c4' }),
      row('unsubscribe', t, { email: 'c2@example.com' }),
      row('unsubscribe', t + 1, { email: 'c2@example.com' }), // twice, one person
      row('bounced', t, { email: 'x@example.com' }),
    ];
    const s = summarizeMonth({ ...base, carts, audit });
    expect(s.cartsSeen).toBe(4);
    expect(s.cartsWithEmail).toBe(3);
    expect(s.abandoned).toBe(4);
    expect(s.remindersSent).toEqual({ total: 3, byStep: { '1': 2, '2': 1 } });
    expect(s.clicked).toBe(1);
    expect(s.recovered).toBe(1);
    expect(s.recoveredRevenue).toEqual({ USD: '84.50' });
    expect(s.writtenOff).toBe(1);
    expect(s.expired).toBe(1);
    expect(s.suppressed).toBe(0);
    expect(s.unsubscribed).toBe(1);
    expect(s.bounced).toBe(1);
    expect(s.complained).toBe(0);
    // 1 recovered / (4 abandoned - 1 written off): the write-off does not drag the rate down.
    expect(s.recoveryRate).toBeCloseTo(1 / 3, 12);
    expect(s.lift.kind).toBe('no_holdout');
  });

  it('has no rate, rather than NaN, when every abandoned cart was written off', () => {
    const carts = [cart('w', { abandonedAt: NOV + DAY })];
    const audit = [row('write_off', NOV + DAY, { cartId: 'w' })];
    expect(summarizeMonth({ ...base, carts, audit }).recoveryRate).toBeNull();
    expect(summarizeMonth({ ...base, carts: [], audit: [] }).recoveryRate).toBeNull();
  });

  it('puts a cart abandoned at 23:30 local on the last day into that month, in a zone ahead of UTC', () => {
    // 2026-11-30 23:30 in Tokyo (UTC+9) is 14:30Z the same day; 2026-12-01 00:30 Tokyo is 15:30Z.
    const late = Date.UTC(2026, 10, 30, 14, 30);
    const early = Date.UTC(2026, 10, 30, 15, 30);
    const carts = [cart('late', { abandonedAt: late }), cart('early', { abandonedAt: early })];
    const nov = summarizeMonth({ ...base, zone: 'Asia/Tokyo', carts, audit: [] });
    const dec = summarizeMonth({ ...base, month: '2026-12', zone: 'Asia/Tokyo', carts, audit: [] });
    expect(nov.abandoned).toBe(1);
    expect(nov.daily.at(-1)).toMatchObject({ date: '2026-11-30', abandoned: 1 });
    expect(dec.abandoned).toBe(1);
    expect(dec.daily[0]).toMatchObject({ date: '2026-12-01', abandoned: 1 });
  });

  it('keeps each currency apart, in exact minor units', () => {
    const t = NOV + 3 * DAY;
    const carts = [
      cart('u1', { abandonedAt: t, recoveredAt: t, boughtAt: t, totalMinor: 1999 }),
      cart('u2', { abandonedAt: t, recoveredAt: t + DAY, boughtAt: t + DAY, totalMinor: 1 }),
      cart('e1', { abandonedAt: t, recoveredAt: t, boughtAt: t, currency: 'EUR', totalMinor: 500 }),
      cart('j1', {
        abandonedAt: t,
        recoveredAt: t,
        boughtAt: t,
        currency: 'JPY',
        totalMinor: 1200,
      }),
    ];
    const s = summarizeMonth({ ...base, carts, audit: [] });
    expect(s.recoveredRevenue).toEqual({ EUR: '5.00', JPY: '1200', USD: '20.00' });
    expect(s.daily[3]?.recoveredRevenueMinor).toEqual({ EUR: 500, JPY: 1200, USD: 1999 });
    expect(s.daily[4]?.recoveredRevenueMinor).toEqual({ USD: 1 });
    expect(mainCurrency(s)).toBe('USD');
  });

  it('has one daily point per local day, even for an empty month', () => {
    const s = summarizeMonth({ ...base, month: '2028-02', carts: [], audit: [] });
    expect(s.daily).toHaveLength(29);
    expect(s.daily.every((d) => d.abandoned === 0 && d.recovered === 0)).toBe(true);
    expect(mainCurrency(s)).toBeNull();
  });

  it('compares held-out carts with reminded ones', () => {
    const t = NOV + 2 * DAY;
    const carts = Array.from({ length: 100 }, (_, i) =>
      cart(`c${i}`, {
        abandonedAt: t,
        // Reminded c10..c99 buy when i % 3 === 0 (30 of 90); held-out c0..c9 never do.
        boughtAt: i >= 10 && i % 3 === 0 ? t + DAY : null,
      }),
    );
    const audit = Array.from({ length: 10 }, (_, i) =>
      row('skipped', t, { cartId: `c${i}`, reason: 'holdout' }),
    );
    const s = summarizeMonth({ ...base, holdoutShare: 0.1, carts, audit });
    expect(s.lift.kind).toBe('too_small');
    expect(s.lift.kind === 'too_small' && s.lift.holdout).toEqual({ n: 10, recovered: 0, rate: 0 });
    expect(s.lift.kind === 'too_small' && s.lift.reminded.n).toBe(90);
    expect(s.lift.kind === 'too_small' && s.lift.reminded.recovered).toBe(30);
  });
});

describe('summarizeMonth properties', () => {
  const zones = fc.constantFrom(
    'UTC',
    'Asia/Tokyo',
    'America/New_York',
    'Europe/Paris',
    'Asia/Kolkata',
  );
  // Instants from mid-October to mid-December 2026, so some fall outside November.
  const instant = fc.integer({ min: Date.UTC(2026, 9, 15), max: Date.UTC(2026, 11, 15) });
  const someCart = fc.record({
    abandonedAt: fc.option(instant),
    recoveredAt: fc.option(instant),
    currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    totalMinor: fc.integer({ min: 0, max: 1_000_000 }),
  });

  it('daily points add up to the month, per currency, in any zone', () => {
    fc.assert(
      fc.property(zones, fc.array(someCart, { maxLength: 40 }), (zone, specs) => {
        const carts = specs.map((spec, i) => cart(`p${i}`, spec));
        const s = summarizeMonth({ ...base, zone, carts, audit: [] });
        const { from, to } = monthRange('2026-11', zone);
        const inMonth = (t: number | null) => t !== null && t >= from && t < to;
        expect(s.abandoned).toBe(specs.filter((c) => inMonth(c.abandonedAt)).length);
        expect(s.daily.reduce((a, d) => a + d.abandoned, 0)).toBe(s.abandoned);
        expect(s.daily.reduce((a, d) => a + d.recovered, 0)).toBe(s.recovered);
        for (const [cur, minor] of Object.entries(s.recoveredRevenueMinor)) {
          const daily = s.daily.reduce((a, d) => a + (d.recoveredRevenueMinor[cur] ?? 0), 0);
          expect(daily).toBe(minor);
        }
      }),
    );
  });
});
