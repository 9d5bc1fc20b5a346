import { describe, expect, it } from 'vitest';
import { HOUR, makeCart, T0 } from '../../test/support/cart-fixtures.ts';
import { AuditAction } from './audit.ts';
import { CartStatus, ClosedReason } from './cart.ts';
import { quietMoveEffect } from './cart-quiet-moves.ts';
import { StillShoppingReason } from './moves.ts';
import { DEFAULT_POLICY } from './policy.ts';
import { retainUntil } from './retention.ts';

const policy = DEFAULT_POLICY;
const cart = makeCart({ lastActivityAt: T0, wakeAt: T0 + HOUR, version: 2 });
const now = T0 + HOUR;
const firstDue = T0 + (policy.cadenceMs[0] ?? 0);

describe('quietMoveEffect', () => {
  it('writes nothing for a wake-up that came early or twice', () => {
    const move = { move: 'still_shopping', reason: 'active', wakeAt: T0 + HOUR } as const;
    expect(quietMoveEffect(cart, move, now, policy)).toEqual({ kind: 'unchanged' });
  });

  it('moves the wake-up of a shopper still active, with no audit row', () => {
    const move = { move: 'still_shopping', reason: 'active', wakeAt: T0 + 2 * HOUR } as const;
    const effect = quietMoveEffect(cart, move, now, policy);
    expect(effect).toMatchObject({ kind: 'changed', audit: [] });
    expect(effect.kind === 'changed' && effect.cart.wakeAt).toBe(T0 + 2 * HOUR);
    expect(effect.kind === 'changed' && effect.cart.abandonedAt).toBeNull();
  });

  it('audits a due step skipped for a blocked address, and dates the abandonment', () => {
    const move = {
      move: 'still_shopping',
      reason: StillShoppingReason.unsubscribed,
      wakeAt: T0 + 7 * 24 * HOUR,
    } as const;
    const effect = quietMoveEffect(cart, move, now, policy);
    if (effect.kind !== 'changed') throw new Error('a skip is written');
    expect(effect.cart.abandonedAt).toBe(firstDue);
    expect(effect.audit).toMatchObject([
      { action: AuditAction.skipped, reason: 'unsubscribed', detail: { step: 1 }, at: now },
    ]);
  });

  it('holds the step until the gate opens, saying why and until when', () => {
    const move = { move: 'wait', reason: 'quiet_hours', wakeAt: T0 + 9 * HOUR } as const;
    const effect = quietMoveEffect(cart, move, now, policy);
    if (effect.kind !== 'changed') throw new Error('a hold is written');
    expect(effect.cart.wakeAt).toBe(T0 + 9 * HOUR);
    expect(effect.audit).toMatchObject([
      {
        action: AuditAction.reminderHeld,
        reason: 'quiet_hours',
        detail: { step: 1, until: T0 + 9 * HOUR },
      },
    ]);
  });

  it('lets a cart go: closed as expired, its one wake-up the end of its retention', () => {
    const effect = quietMoveEffect(cart, { move: 'let_go', reason: 'gave_up' }, now, policy);
    if (effect.kind !== 'changed') throw new Error('a let-go is written');
    expect(effect.cart).toMatchObject({
      status: CartStatus.closed,
      closedReason: ClosedReason.expired,
      closedAt: now,
      abandonedAt: firstDue,
    });
    expect(effect.cart.wakeAt).toBe(retainUntil(effect.cart, policy));
    expect(effect.audit).toMatchObject([
      { action: AuditAction.expired, reason: 'gave_up', actor: 'system', before: cart },
    ]);
  });
});
