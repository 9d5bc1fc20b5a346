/**
 * Intake: one store event in, one cart row out, one wake-up armed. Load, decide (domain/intake),
 * write conditionally with the event id, arm the timer. A lost race is retried from a fresh read.
 */
import { AuditAction, type AuditEntry, SYSTEM } from '../domain/audit.ts';
import type { Cart } from '../domain/cart.ts';
import type { CartEvent } from '../domain/events.ts';
import { applyEvent, type IntakeOutcome } from '../domain/intake.ts';
import type { Policy } from '../domain/policy.ts';
import type { CartStore, SaveCart } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { Wakeups } from '../ports/wakeups.ts';

export type IntakeResult =
  | { readonly kind: 'accepted'; readonly outcome: IntakeOutcome['kind']; readonly cart: Cart }
  | { readonly kind: 'duplicate'; readonly cart: Cart | null };

export class IntakeConflictError extends Error {
  override readonly name = 'IntakeConflictError';
}

export interface IntakeDeps {
  readonly store: CartStore;
  readonly wakeups: Wakeups;
  readonly policy: Policy;
  readonly clock: Clock;
}

const MAX_ATTEMPTS = 8;

function auditFor(outcome: IntakeOutcome, before: Cart | null, at: number): AuditEntry[] {
  const entry = (action: AuditEntry['action'], reason: string | null): AuditEntry => ({
    cartId: outcome.cart.id,
    email: outcome.cart.email,
    action,
    actor: SYSTEM,
    at,
    reason,
    detail: outcome.cart.orderId === null ? null : { orderId: outcome.cart.orderId },
    before,
    after: outcome.cart,
  });
  switch (outcome.kind) {
    case 'bought':
      return [entry(AuditAction.checkout, 'checked out')];
    case 'reopened':
      return [entry(AuditAction.reopened, 'shopper came back to an expired cart')];
    case 'created':
    case 'updated':
    case 'stale':
    case 'final':
      return [];
  }
}

export function createIntake({ store, wakeups, policy, clock }: IntakeDeps) {
  return async function ingest(event: CartEvent): Promise<IntakeResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const before = await store.get(event.cart.id);
      const outcome = applyEvent(before, event, policy);
      const changes = outcome.kind === 'stale' || outcome.kind === 'final' ? outcome.changed : true;
      const change: SaveCart | null = changes
        ? {
            cart: outcome.cart,
            expectedVersion: before?.version ?? null,
            audit: auditFor(outcome, before, clock.now()),
          }
        : null;
      const result = await store.recordEvent(event.id, change);
      switch (result.kind) {
        case 'conflict':
          continue;
        case 'duplicate': {
          // The first delivery may have died between the write and the timer: arming again is
          // idempotent, and it is what makes a store's retry repair that gap. No previous time:
          // this only creates the row's timer (or finds it armed), it moves nothing.
          const current = await store.get(event.cart.id);
          if (current !== null) await wakeups.set(current.id, current.wakeAt, null);
          return { kind: 'duplicate', cart: current };
        }
        case 'saved': {
          const cart = result.cart ?? outcome.cart;
          const previous = before?.wakeAt ?? null;
          if (changes && previous !== cart.wakeAt)
            await wakeups.set(cart.id, cart.wakeAt, previous);
          return { kind: 'accepted', outcome: outcome.kind, cart };
        }
      }
    }
    throw new IntakeConflictError(
      `cart ${event.cart.id}: gave up after ${MAX_ATTEMPTS} conflicting writes for event ${event.id}`,
    );
  };
}

export type Ingest = ReturnType<typeof createIntake>;
