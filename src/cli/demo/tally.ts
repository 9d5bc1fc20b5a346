/**
 * What happened in the demo, counted from the store itself (cart rows and audit rows), not from
 * what the player meant to do: the report shows what the system really did.
 */
import type { StoredAuditEntry } from '../../domain/audit.ts';
import { type Cart, CartStatus } from '../../domain/cart.ts';
import type { CartStore } from '../../ports/cart-store.ts';
import { type DemoPlan, Role } from './plan.ts';

export interface DemoTally {
  readonly carts: number;
  readonly withEmail: number;
  readonly boughtBeforeReminder: number;
  readonly boughtAfterReminder: number;
  readonly recovered: number;
  readonly recoveredRevenueMinor: number;
  readonly clicked: number;
  readonly remindersByStep: ReadonlyMap<number, number>;
  readonly heldByRule: ReadonlyMap<string, number>;
  readonly skippedByRule: ReadonlyMap<string, number>;
  readonly suppressed: number;
  readonly writtenOff: ReadonlyArray<{ cartId: string; reason: string | null; by: string }>;
  readonly unsubscribed: ReadonlyArray<{ email: string; by: string }>;
  readonly expired: number;
  readonly stillOpen: number;
  /** Carts worth a look with `cart-recovery audit`. */
  readonly highlights: ReadonlyArray<{ cartId: string; why: string }>;
}

const bump = (map: Map<string | number, number>, key: string | number) =>
  map.set(key, (map.get(key) ?? 0) + 1);

function highlight(
  role: Role,
  cart: Cart,
  rows: readonly StoredAuditEntry[],
): { cartId: string; why: string } | null {
  const held = rows.filter((r) => r.action === 'reminder_held').map((r) => r.reason);
  switch (role) {
    case Role.repeatSecond:
      return {
        cartId: cart.id,
        why: `same shopper's second cart: held by ${[...new Set(held)].join(', ') || 'nothing'}`,
      };
    case Role.unsubscriber:
      return { cartId: cart.id, why: 'the shopper unsubscribed from reminder 1' };
    case Role.saved:
      return cart.remindersSent > 0
        ? { cartId: cart.id, why: 'saved-link cart ("Still saving these?")' }
        : null;
    default:
      return null;
  }
}

export async function tallyDemo(store: CartStore, plan: DemoPlan): Promise<DemoTally> {
  const remindersByStep = new Map<number, number>();
  const heldByRule = new Map<string, number>();
  const skippedByRule = new Map<string, number>();
  const writtenOff: Array<{ cartId: string; reason: string | null; by: string }> = [];
  const unsubscribed = new Map<string, string>();
  const highlights: Array<{ cartId: string; why: string }> = [];
  let withEmail = 0;
  let boughtBeforeReminder = 0;
  let boughtAfterReminder = 0;
  let recovered = 0;
  let recoveredRevenueMinor = 0;
  let clicked = 0;
  let suppressed = 0;
  let expired = 0;
  let stillOpen = 0;
  let recoveredAfterHold: { cartId: string; why: string } | null = null;

  for (const planned of plan.carts) {
    const cart = await store.get(planned.id);
    if (cart === null) continue;
    const rows = await store.auditFor(planned.id);
    if (cart.email !== null) withEmail++;
    if (cart.status === CartStatus.bought) {
      if (cart.firstReminderAt === null) boughtBeforeReminder++;
      else boughtAfterReminder++;
    }
    if (cart.recoveredAt !== null) {
      recovered++;
      recoveredRevenueMinor += cart.totalMinor;
    }
    if (cart.clickedAt !== null) clicked++;
    if (cart.status === CartStatus.open) stillOpen++;
    if (cart.closedReason === 'expired') expired++;
    for (const row of rows) {
      const step = typeof row.detail?.step === 'number' ? row.detail.step : 0;
      if (row.action === 'reminder_sent') bump(remindersByStep, step);
      if (row.action === 'reminder_held') bump(heldByRule, row.reason ?? 'unknown');
      if (row.action === 'skipped') bump(skippedByRule, row.reason ?? 'unknown');
      if (row.action === 'suppress') suppressed++;
      if (row.action === 'write_off') {
        writtenOff.push({ cartId: cart.id, reason: row.reason, by: row.actor });
      }
    }
    if (cart.email !== null) {
      for (const row of await store.auditForEmail(cart.email)) {
        if (row.action === 'unsubscribe') unsubscribed.set(cart.email, row.actor);
      }
    }
    const note = highlight(planned.role, cart, rows);
    // The repeat shopper's second cart shows the most of the gate: put it first.
    if (note !== null && planned.role === Role.repeatSecond) highlights.unshift(note);
    else if (note !== null) highlights.push(note);
    if (
      recoveredAfterHold === null &&
      cart.recoveredAt !== null &&
      rows.some((r) => r.action === 'reminder_held')
    ) {
      const rules = new Set(rows.filter((r) => r.action === 'reminder_held').map((r) => r.reason));
      recoveredAfterHold = {
        cartId: cart.id,
        why: `held by the gate (${[...rules].join(', ')}), reminded later, then bought`,
      };
    }
  }
  if (recoveredAfterHold !== null) highlights.unshift(recoveredAfterHold);

  return {
    carts: plan.carts.length,
    withEmail,
    boughtBeforeReminder,
    boughtAfterReminder,
    recovered,
    recoveredRevenueMinor,
    clicked,
    remindersByStep,
    heldByRule,
    skippedByRule,
    suppressed,
    writtenOff,
    unsubscribed: [...unsubscribed].map(([email, by]) => ({ email, by })),
    expired,
    stillOpen,
    highlights,
  };
}
