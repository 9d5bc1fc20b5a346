import { describe, expect, it } from 'vitest';
import { checkout, event, FIRST_STEP, fold, policy, T0 } from '../../test/support/intake-events.ts';
import { CartStatus } from './cart.ts';
import { applyEvent } from './intake.ts';
import { DAY } from './policy.ts';

describe('applyEvent on a new cart', () => {
  it('creates an open row with the snapshot and a wake-up at the first step', () => {
    const out = applyEvent(null, event('e1', T0, { email: 'sam@example.com' }), policy);
    expect(out.kind).toBe('created');
    expect(out.cart).toMatchObject({
      id: 'c_42',
      status: CartStatus.open,
      email: 'sam@example.com',
      totalMinor: 5900,
      createdAt: T0,
      lastActivityAt: T0,
      remindersSent: 0,
      wakeAt: T0 + FIRST_STEP,
    });
  });

  it('a checkout with no prior row makes a bought row whose one wake-up is its retention end', () => {
    const out = applyEvent(null, checkout('k1', T0), policy);
    expect(out.kind).toBe('bought');
    expect(out.cart).toMatchObject({
      status: CartStatus.bought,
      boughtAt: T0,
      orderId: 'order_1',
      wakeAt: T0 + 90 * DAY,
      recoveredAt: null,
    });
  });
});

describe('applyEvent on an open cart', () => {
  const created = fold([event('e1', T0, { email: 'sam@example.com' })]);

  it('a newer update takes the snapshot and moves the wake-up', () => {
    const out = applyEvent(created, event('e2', T0 + 10 * 60_000, { totalMinor: 8450 }), policy);
    expect(out.kind).toBe('updated');
    expect(out.cart.totalMinor).toBe(8450);
    expect(out.cart.lastActivityAt).toBe(T0 + 10 * 60_000);
    expect(out.cart.wakeAt).toBe(T0 + 10 * 60_000 + FIRST_STEP);
  });

  it('an older update changes nothing', () => {
    const newer = fold([event('e2', T0 + 60_000, { totalMinor: 8450 })], created);
    const out = applyEvent(newer, event('e0', T0 - 60_000, { totalMinor: 100 }), policy);
    expect(out).toMatchObject({ kind: 'stale', changed: true });
    // Only createdAt (first seen) moves back; the snapshot and the timer stay.
    expect(out.cart).toEqual({ ...newer, createdAt: T0 - 60_000 });
  });

  it('an older update with nothing new says changed: false', () => {
    const newer = fold([event('e2', T0 + 60_000, { email: 'sam@example.com' })], created);
    const out = applyEvent(newer, event('e1b', T0 + 1, {}), policy);
    expect(out).toEqual({ kind: 'stale', cart: newer, changed: false });
  });

  it('an older update may fill an optional field the row lacks, and says so', () => {
    const newer = fold([event('e2', T0 + 60_000, { email: null })], fold([event('e1', T0)]));
    expect(newer.timezone).toBeNull();
    const out = applyEvent(newer, event('e1b', T0 + 1, { timezone: 'Europe/Paris' }), policy);
    expect(out).toMatchObject({ kind: 'stale', changed: true });
    expect(out.cart.timezone).toBe('Europe/Paris');
    expect(out.cart.totalMinor).toBe(newer.totalMinor);
    expect(out.cart.wakeAt).toBe(newer.wakeAt);
  });

  it('an older update does not overwrite a field a newer event set', () => {
    const newer = fold([event('e2', T0 + 60_000, { email: 'new@example.com' })], created);
    const out = applyEvent(newer, event('e1b', T0 + 1, { email: 'old@example.com' }), policy);
    expect(out.cart.email).toBe('new@example.com');
  });

  it('keeps the email when a newer event leaves it out', () => {
    const out = applyEvent(created, event('e2', T0 + 60_000, { email: null }), policy);
    expect(out.cart.email).toBe('sam@example.com');
  });

  it('a newer email replaces the old one', () => {
    const out = applyEvent(
      created,
      event('e2', T0 + 60_000, { email: 'other@example.com' }),
      policy,
    );
    expect(out.cart.email).toBe('other@example.com');
  });

  it('equal times are ordered by event id, whichever arrives first', () => {
    const a = event('evt_a', T0 + 5, { totalMinor: 111 });
    const b = event('evt_b', T0 + 5, { totalMinor: 222 });
    expect(fold([a, b], created).totalMinor).toBe(222);
    expect(fold([b, a], created).totalMinor).toBe(222);
  });

  it('the saved-link flag is sticky', () => {
    const saved = fold([event('e2', T0 + 1, { savedLink: true })], created);
    expect(saved.savedLink).toBe(true);
    expect(fold([event('e3', T0 + 2, { savedLink: false })], saved).savedLink).toBe(true);
    expect(
      applyEvent(
        fold([event('e9', T0 + 9)], created),
        event('e0', T0 - 1, { savedLink: true }),
        policy,
      ),
    ).toMatchObject({
      kind: 'stale',
      changed: true,
      cart: { savedLink: true },
    });
  });
});
