/**
 * Intake for the browser lane: the same use case as every lane (app/intake.ts), over a store that
 * keeps a cart's address and restore link once a reminder went to it (domain/browser-cart.ts).
 *
 * The rule is applied at the conditional write, against the very version the write is conditioned
 * on, so it cannot be raced:
 *
 *   intake reads v7 (nothing sent) ─────────────── write v7→v8 with a new email ✗ conflict
 *   waiter              claim step 1 (v7→v8)─send
 *   intake re-reads v8 (step claimed) → write v8→v9 keeps the email the reminder went to
 *
 * A cart that was let go and came back starts a fresh sequence (its counters read zero), but the
 * links of its earlier reminders still lead to it: its audit trail says whether any ever went.
 */
import { AuditAction } from '../domain/audit.ts';
import { changesFrozenFields, keepFrozenFields, reminderWentOut } from '../domain/browser-cart.ts';
import type { Cart } from '../domain/cart.ts';
import type { CartStore, SaveCart } from '../ports/cart-store.ts';
import { createIntake, type Ingest, type IntakeDeps } from './intake.ts';

async function everReminded(store: CartStore, cart: Cart): Promise<boolean> {
  if (reminderWentOut(cart)) return true;
  const rows = await store.auditFor(cart.id);
  return rows.some((row) => row.action === AuditAction.reminderSent);
}

/** The change with the frozen fields of `before` put back, and its audit rows showing that. */
function frozen(before: Cart, change: SaveCart): SaveCart {
  const { cart, kept } = keepFrozenFields(before, change.cart);
  if (kept.length === 0) return change;
  const audit = change.audit.map((entry) =>
    entry.after === change.cart ? { ...entry, after: cart, email: cart.email } : entry,
  );
  return { ...change, cart, audit };
}

/** `store`, except that an event's write never changes what a reminder was sent with. */
export function keepingRemindedLinks(store: CartStore): CartStore {
  const guarded: CartStore = Object.create(store);
  return Object.assign(guarded, {
    async recordEvent(...args: Parameters<CartStore['recordEvent']>) {
      const [eventId, change, ...rest] = args;
      // A new row has had no reminder.
      if (change === null || change.expectedVersion === null) return store.recordEvent(...args);
      const before = await store.get(change.cart.id);
      // Moved since intake read it: the write conflicts and intake decides again from a re-read.
      if (before === null || before.version !== change.expectedVersion) {
        return store.recordEvent(...args);
      }
      if (changesFrozenFields(before, change.cart).length === 0) return store.recordEvent(...args);
      if (!(await everReminded(store, before))) return store.recordEvent(...args);
      return store.recordEvent(eventId, frozen(before, change), ...rest);
    },
  });
}

/** The browser lane's intake: a store whose reminded carts keep their address and link. */
export function createBrowserIntake(deps: IntakeDeps): Ingest {
  return createIntake({ ...deps, store: keepingRemindedLinks(deps.store) });
}
