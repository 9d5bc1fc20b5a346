/**
 * Intake: one store event in, one cart row out, one wake-up armed. Load, decide (domain/intake),
 * write conditionally with the event id, arm the timer. A lost race is retried from a fresh read.
 */
import { AuditAction, type AuditEntry, auditEntry, SYSTEM } from '../domain/audit.ts';
import type { Cart } from '../domain/cart.ts';
import { type CartEvent, EventType } from '../domain/events.ts';
import { applyEvent, checkoutOfOtherRow, type IntakeOutcome } from '../domain/intake.ts';
import type { Policy } from '../domain/policy.ts';
import type { CartStore, SaveCart } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { type Log, silentLog } from '../ports/log.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import { CONFLICT, MAX_ATTEMPTS, retryOnConflict } from './retry-on-conflict.ts';

export type IntakeResult =
  | { readonly kind: 'accepted'; readonly outcome: IntakeOutcome['kind']; readonly cart: Cart }
  | { readonly kind: 'duplicate'; readonly cart: Cart | null }
  /** The event id was first used for another cart: nothing written, the store must fix its ids. */
  | { readonly kind: 'id_reused'; readonly cart: null; readonly recordedFor: string };

export interface IntakeDeps {
  readonly store: CartStore;
  readonly wakeups: Wakeups;
  readonly policy: Policy;
  readonly clock: Clock;
  /** A line for each checkout (the automatic stop); silent when absent. */
  readonly log?: Log;
}

function auditFor(outcome: IntakeOutcome, before: Cart | null, at: number): AuditEntry[] {
  const entry = (action: AuditEntry['action'], reason: string | null): AuditEntry =>
    auditEntry({
      cartId: outcome.cart.id,
      email: outcome.cart.email,
      action,
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

interface Routed {
  /** The row the event belongs to, as read; null when it starts a new one. */
  readonly before: Cart | null;
  /** The event addressed to that row, carrying only the aliases no other row holds. */
  readonly event: CartEvent;
  /** Other rows the event's ids name: two rows of one cart that nothing had linked yet. */
  readonly others: readonly string[];
}

/**
 * Finds the row an event belongs to: the one its own id names, else the first its aliases name,
 * so an order that points back by a cart token finds the checkout stored under its token, in
 * either delivery order. One read when the row is known and its aliases are too (most events).
 */
async function route(store: CartStore, event: CartEvent): Promise<Routed> {
  const aliases = event.aliases ?? [];
  const own = await store.get(event.cart.id);
  if (own !== null && aliases.every((alias) => own.aliases.includes(alias))) {
    return { before: own, event, others: [] };
  }
  const ids = [event.cart.id, ...aliases];
  const owners = await store.ownersOf(ids);
  const named = ids.map((id) => owners.get(id)).find((owner) => owner !== undefined);
  let target = own;
  if (own === null && named !== undefined) target = await store.get(named);
  const targetId = target?.id ?? event.cart.id;
  const claimable = ids.filter((id) => {
    const owner = owners.get(id);
    return id !== targetId && (owner === undefined || owner === targetId);
  });
  const others = [...new Set(owners.values())].filter((owner) => owner !== targetId);
  return {
    before: target,
    event: { ...event, cart: { ...event.cart, id: targetId }, aliases: claimable },
    others,
  };
}

export function createIntake({ store, wakeups, policy, clock, log = silentLog }: IntakeDeps) {
  async function ingest(received: CartEvent): Promise<IntakeResult> {
    const result = await ingestOne(received);
    if (result.linked.length > 0 && received.type === EventType.checkedOut) {
      // A purchase stops every row its ids name, not only the first.
      for (const other of result.linked) await ingestOne(checkoutOfOtherRow(received, other));
    }
    return result.answer;
  }

  type Ingested = { answer: IntakeResult; linked: readonly string[] };

  function ingestOne(received: CartEvent): Promise<Ingested> {
    const what = `intake of event ${received.id}`;
    return retryOnConflict(MAX_ATTEMPTS, () => attempt(received), {
      cartId: received.cart.id,
      what,
    });
  }

  /**
   * A retry routes to the row its first delivery was recorded for; another row means the store
   * reused an event id, and answering "duplicate" would hide a lost change.
   */
  async function duplicate(
    event: CartEvent,
    recordedFor: string,
    others: readonly string[],
  ): Promise<Ingested> {
    if (recordedFor !== '' && recordedFor !== event.cart.id) {
      return { answer: { kind: 'id_reused', cart: null, recordedFor }, linked: [] };
    }
    // The first delivery may have died between the write and the timer: arming again is
    // idempotent, and it is what makes a store's retry repair that gap. No previous time:
    // this only creates the row's timer (or finds it armed), it moves nothing.
    const current = await store.get(event.cart.id);
    if (current !== null) await wakeups.set(current.id, current.wakeAt, null);
    return { answer: { kind: 'duplicate', cart: current }, linked: others };
  }

  async function attempt(received: CartEvent): Promise<Ingested | typeof CONFLICT> {
    const { before, event, others } = await route(store, received);
    const outcome = applyEvent(before, event, policy);
    const changes = outcome.kind === 'stale' || outcome.kind === 'final' ? outcome.changed : true;
    const known = before?.aliases ?? [];
    const newAliases = outcome.cart.aliases.filter((alias) => !known.includes(alias));
    const change: SaveCart | null = changes
      ? {
          cart: outcome.cart,
          expectedVersion: before?.version ?? null,
          audit: auditFor(outcome, before, clock.now()),
          newAliases,
        }
      : null;
    const result = await store.recordEvent(event.id, change, event.cart.id);
    switch (result.kind) {
      case 'conflict':
        return CONFLICT;
      case 'duplicate':
        return duplicate(event, result.cartId, others);
      case 'saved': {
        const cart = result.cart ?? outcome.cart;
        const previous = before?.wakeAt ?? null;
        if (changes && previous !== cart.wakeAt) await wakeups.set(cart.id, cart.wakeAt, previous);
        if (outcome.kind === 'bought') {
          log.info('cart.stopped', { cartId: cart.id, kind: 'checkout', actor: SYSTEM });
        }
        return { answer: { kind: 'accepted', outcome: outcome.kind, cart }, linked: others };
      }
    }
  }

  return ingest;
}

export type Ingest = ReturnType<typeof createIntake>;
