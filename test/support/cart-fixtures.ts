/** Builders for cart rows and audit entries, shared by the contract suites and integration tests. */
import type { AuditAction, AuditEntry } from '../../src/domain/audit.ts';
import { type Cart, CartStatus } from '../../src/domain/cart.ts';

/** 2026-11-23T00:00:00Z: a fixed base so day and month boundaries are easy to reason about. */
export const T0 = Date.UTC(2026, 10, 23);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function makeCart(overrides: Partial<Cart> = {}): Cart {
  const id = overrides.id ?? 'c_1';
  const at = overrides.lastActivityAt ?? T0;
  return {
    id,
    email: 'sam@example.com',
    currency: 'USD',
    totalMinor: 8450,
    items: [
      {
        sku: 'SHIRT-L',
        name: 'Linen shirt',
        quantity: 1,
        priceMinor: 5900,
        url: 'https://shop.example/p/shirt',
        imageUrl: null,
      },
    ],
    restoreUrl: `https://shop.example/cart/${id}`,
    savedLink: false,
    timezone: 'Europe/Paris',
    consent: true,
    status: CartStatus.open,
    closedReason: null,
    createdAt: at,
    lastActivityAt: at,
    lastEventId: 'evt_1',
    remindersSent: 0,
    abandonedAt: null,
    firstReminderAt: null,
    lastReminderAt: null,
    claimedStep: null,
    claimedAt: null,
    boughtAt: null,
    orderId: null,
    recoveredAt: null,
    clickedAt: null,
    closedAt: null,
    wakeAt: at + HOUR,
    fieldStamps: {},
    version: 0,
    ...overrides,
  };
}

export function makeAudit(
  overrides: Partial<AuditEntry> & { action?: AuditAction } = {},
): AuditEntry {
  return {
    cartId: 'c_1',
    email: 'sam@example.com',
    action: 'created',
    actor: 'system',
    at: T0,
    reason: null,
    detail: null,
    before: null,
    after: null,
    ...overrides,
  };
}

/** Drains an async iterable (listByActivity, auditBetween) into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
