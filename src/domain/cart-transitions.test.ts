import { describe, expect, it } from 'vitest';
import { DAY, HOUR, makeCart, T0 } from '../../test/support/cart-fixtures.ts';
import { AuditAction } from './audit.ts';
import {
  CLAIM_RECOVERED,
  markStepSent,
  parkUntilGiveUp,
  releaseStep,
  SEND_REFUSED,
} from './cart-transitions.ts';
import { DEFAULT_POLICY, giveUpAt } from './policy.ts';

const policy = DEFAULT_POLICY;
const claimed = makeCart({ lastActivityAt: T0, claimedStep: 1, claimedAt: T0 + HOUR, version: 3 });
// Where the mail went: the address as it was when composed, not as the row has it now.
const mail = { messageId: '<cr.c_1.1@shop.example>', to: 'sam.old@example.com' };

describe('markStepSent', () => {
  it('files the send under the address it went to, with the receipt, and plans the next step', () => {
    const sent = { step: 1, sentAt: T0 + HOUR, ...mail, receipt: 'r-1', wakeAtAfter: T0 + DAY };
    const result = markStepSent(claimed, sent, policy);
    if (result.kind !== 'changed') throw new Error('a claimed step is recorded');
    expect(result.cart).toMatchObject({ remindersSent: 1, claimedStep: null, wakeAt: T0 + DAY });
    expect(result.audit).toMatchObject([
      {
        action: AuditAction.reminderSent,
        email: mail.to,
        at: T0 + HOUR,
        detail: { step: 1, receipt: 'r-1', ...mail },
      },
    ]);
  });

  it('says a recovered send was recovered, and when', () => {
    const sent = {
      step: 1,
      sentAt: T0 + HOUR,
      ...mail,
      wakeAtAfter: null,
      recoveredAt: T0 + 2 * HOUR,
    };
    const result = markStepSent(claimed, sent, policy);
    expect(result.kind === 'changed' && result.audit[0]?.detail).toEqual({
      step: 1,
      ...mail,
      recovered: true,
      recoveredAt: T0 + 2 * HOUR,
    });
  });
});

describe('releaseStep', () => {
  const at = T0 + HOUR;
  it('retries a failed send when asked, holding the step', () => {
    const cause = { kind: 'send_failed', error: '421 busy', retryAt: at + HOUR } as const;
    const result = releaseStep(claimed, { step: 1, at, cause }, policy);
    if (result.kind !== 'changed') throw new Error('a held claim is released');
    expect(result.cart).toMatchObject({ claimedStep: null, claimedAt: null, wakeAt: at + HOUR });
    expect(result.audit[0]).toMatchObject({
      action: AuditAction.reminderHeld,
      reason: 'send_failed',
    });
  });

  it('skips a refused send and parks the cart until its give-up', () => {
    const cause = { kind: 'send_refused', error: '550 no such user' } as const;
    const result = releaseStep(claimed, { step: 1, at, cause }, policy);
    if (result.kind !== 'changed') throw new Error('a held claim is released');
    expect(result.cart.wakeAt).toBe(giveUpAt(claimed, policy));
    expect(result.audit[0]).toMatchObject({ action: AuditAction.skipped, reason: SEND_REFUSED });
  });

  it('gives a dead claim back without moving the wake-up', () => {
    const cause = { kind: 'claim_recovered' } as const;
    const result = releaseStep(claimed, { step: 1, at, cause }, policy);
    if (result.kind !== 'changed') throw new Error('a held claim is released');
    expect(result.cart.wakeAt).toBe(claimed.wakeAt);
    expect(result.audit[0]).toMatchObject({ reason: CLAIM_RECOVERED, detail: { step: 1 } });
  });
});

describe('parkUntilGiveUp', () => {
  it('moves an open cart to its give-up time, once', () => {
    const parked = parkUntilGiveUp(claimed, policy);
    if (parked.kind !== 'changed') throw new Error('an armed cart is parked');
    expect(parked.cart.wakeAt).toBe(giveUpAt(claimed, policy));
    expect(parked.audit).toEqual([]);
    expect(parkUntilGiveUp(parked.cart, policy)).toEqual({ kind: 'unchanged' });
  });
});
