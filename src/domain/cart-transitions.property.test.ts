import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR, makeCart, T0 } from '../../test/support/cart-fixtures.ts';
import { AuditAction, type AuditEntry, SYSTEM } from './audit.ts';
import { type Cart, CartStatus, ClosedReason, isFinal } from './cart.ts';
import {
  type Changed,
  type CloseCart,
  claimStep,
  closeCart,
  markStepSent,
  type ReleaseCause,
  releaseStep,
  type SentStep,
} from './cart-transitions.ts';
import { DEFAULT_POLICY } from './policy.ts';
import { retainUntil } from './retention.ts';

const policy = DEFAULT_POLICY;
const stepArb = fc.integer({ min: 1, max: 3 });
const closedReasonArb = fc.constantFrom(...Object.values(ClosedReason));

/** Everything that writes a cart's steps, as the waiters, recovery and people issue them. */
type Op =
  | { readonly op: 'claim'; readonly step: number }
  | { readonly op: 'send'; readonly step: number }
  | { readonly op: 'release'; readonly step: number; readonly refused: boolean }
  | { readonly op: 'recover'; readonly left: boolean }
  | { readonly op: 'close'; readonly closedReason: ClosedReason };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('claim' as const), step: stepArb }),
  fc.record({ op: fc.constant('send' as const), step: stepArb }),
  fc.record({ op: fc.constant('release' as const), step: stepArb, refused: fc.boolean() }),
  fc.record({ op: fc.constant('recover' as const), left: fc.boolean() }),
  fc.record({ op: fc.constant('close' as const), closedReason: closedReasonArb }),
);

function sent(step: number, at: number, recoveredAt?: number): SentStep {
  const mail = { messageId: `<cr.c_1.${step}@shop.example>`, to: 'sam@example.com' };
  return { step, sentAt: at, ...mail, receipt: 'r', wakeAtAfter: at + HOUR, recoveredAt };
}

function cause(refused: boolean, at: number): ReleaseCause {
  return refused
    ? { kind: 'send_refused', error: '550 no such user' }
    : { kind: 'send_failed', error: '421 try later', retryAt: at + HOUR };
}

function close(closedReason: ClosedReason, at: number): CloseCart {
  return { closedReason, actor: SYSTEM, reason: null, at };
}

/** One op on the row as it stands; a refusal leaves the row as it was and writes no audit. */
function apply(cart: Cart, op: Op, at: number): Changed | null {
  let result: Changed | { readonly kind: 'refused' | 'already_final' };
  switch (op.op) {
    case 'claim':
      result = claimStep(cart, op.step, at, policy);
      break;
    case 'send':
      result = markStepSent(cart, sent(op.step, at), policy);
      break;
    case 'release':
      result = releaseStep(cart, { step: op.step, at, cause: cause(op.refused, at) }, policy);
      break;
    case 'recover': {
      const step = cart.claimedStep;
      if (step === null) return null;
      result = op.left
        ? markStepSent(cart, sent(step, cart.claimedAt ?? at, at), policy)
        : releaseStep(cart, { step, at, cause: { kind: 'claim_recovered' } }, policy);
      break;
    }
    case 'close':
      result = closeCart(cart, close(op.closedReason, at), policy);
      break;
  }
  return result.kind === 'changed' ? result : null;
}

function run(start: Cart, ops: readonly Op[]) {
  let cart = start;
  const audit: AuditEntry[] = [];
  const rows: Cart[] = [start];
  ops.forEach((op, index) => {
    const next = apply(cart, op, T0 + (index + 1) * 60_000);
    if (next === null) return;
    cart = next.cart;
    audit.push(...next.audit);
    rows.push(cart);
  });
  return { cart, audit, rows };
}

const openCart = makeCart({ lastActivityAt: T0 - HOUR, version: 1 });

describe('cart transitions, whatever the order of claim, send, release, recovery and close', () => {
  it('record each step as sent at most once', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const { audit } = run(openCart, ops);
        const sentSteps = audit
          .filter((entry) => entry.action === AuditAction.reminderSent)
          .map((entry) => entry.detail?.step);
        expect(new Set(sentSteps).size).toBe(sentSteps.length);
      }),
    );
  });

  it('never count a step down, and never claim a step already sent', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const { rows } = run(openCart, ops);
        for (const [index, row] of rows.entries()) {
          const previous = rows[index - 1];
          if (previous !== undefined) {
            expect(row.remindersSent).toBeGreaterThanOrEqual(previous.remindersSent);
          }
          if (row.claimedStep !== null && row.claimedStep !== previous?.claimedStep) {
            expect(row.claimedStep).toBeGreaterThan(row.remindersSent);
          }
        }
      }),
    );
  });

  it('give back only the step the row holds a claim of, and drop that claim', () => {
    const releases: ReadonlySet<string | null> = new Set([
      'send_failed',
      'send_refused',
      'claim_recovered',
    ]);
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const { audit } = run(openCart, ops);
        for (const entry of audit.filter((e) => releases.has(e.reason))) {
          expect(entry.before?.claimedStep).toBe(entry.detail?.step);
          expect(entry.after?.claimedStep).toBeNull();
        }
      }),
    );
  });

  it('keep a cart closed as it first closed: status, reason and time, and no claim', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), (ops) => {
        const { rows } = run(openCart, ops);
        const first = rows.find((row) => isFinal(row));
        if (first === undefined) return;
        for (const row of rows.slice(rows.indexOf(first))) {
          expect(row.status).toBe(CartStatus.closed);
          expect(row.closedReason).toBe(first.closedReason);
          expect(row.closedAt).toBe(first.closedAt);
          expect(row.claimedStep).toBeNull();
          expect(row.wakeAt).toBe(retainUntil(row, policy));
        }
      }),
    );
  });
});

const finalCartArb: fc.Arbitrary<Cart> = fc
  .record({
    bought: fc.boolean(),
    closedReason: closedReasonArb,
    at: fc.integer({ min: T0, max: T0 + 10 * 24 * HOUR }),
    remindersSent: fc.integer({ min: 0, max: 3 }),
    claimedStep: fc.option(stepArb),
  })
  .map(({ bought, closedReason, at, remindersSent, claimedStep }) =>
    makeCart({
      ...(bought
        ? { status: CartStatus.bought, boughtAt: at, orderId: 'o_1' }
        : { status: CartStatus.closed, closedReason, closedAt: at }),
      remindersSent,
      claimedStep,
      version: 3,
    }),
  );

describe('markStepSent', () => {
  it('never moves a final cart: it keeps its status and only its retention wake-up', () => {
    fc.assert(
      fc.property(finalCartArb, stepArb, fc.integer({ min: 0, max: 5 * HOUR }), (cart, step, d) => {
        const result = markStepSent(cart, sent(step, T0 + d), policy);
        if (result.kind === 'refused') return;
        const { status, closedReason, closedAt, boughtAt } = result.cart;
        expect({ status, closedReason, closedAt, boughtAt }).toEqual({
          status: cart.status,
          closedReason: cart.closedReason,
          closedAt: cart.closedAt,
          boughtAt: cart.boughtAt,
        });
        expect(result.cart.wakeAt).toBe(retainUntil(cart, policy));
      }),
    );
  });
});

describe('closeCart', () => {
  it('is idempotent and keeps the first reason', () => {
    fc.assert(
      fc.property(closedReasonArb, closedReasonArb, (first, second) => {
        const once = closeCart(openCart, close(first, T0), policy);
        if (once.kind !== 'changed') throw new Error('an open cart must close');
        const twice = closeCart(once.cart, close(second, T0 + HOUR), policy);
        expect(twice).toEqual({ kind: 'already_final', cart: once.cart });
      }),
    );
  });
});
