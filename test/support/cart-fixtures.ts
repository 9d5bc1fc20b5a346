/** Builders for cart rows and audit entries, shared by the contract suites and integration tests. */
import type { AuditAction, AuditEntry } from '../../src/domain/audit.ts';
import { blankCart, type Cart, type CartItem } from '../../src/domain/cart.ts';

/** 2026-11-23T00:00:00Z: a fixed base so day and month boundaries are easy to reason about. */
export const T0 = Date.UTC(2026, 10, 23);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * A cart a shopper filled and left: one shirt, an email, a zone, consent, and its first wake-up
 * armed an hour after `lastActivityAt` (T0 unless overridden). Built on the domain's own blank
 * row, so a field added to Cart gets its zero value here too.
 */
export function makeCart(overrides: Partial<Cart> = {}): Cart {
  const id = overrides.id ?? 'c_1';
  const at = overrides.lastActivityAt ?? T0;
  const shirt: CartItem = {
    sku: 'SHIRT-L',
    name: 'Linen shirt',
    quantity: 1,
    priceMinor: 5900,
    url: 'https://shop.example/p/shirt',
    imageUrl: null,
  };
  const blank = blankCart(
    { id, currency: 'USD', totalMinor: 8450, items: [shirt] },
    { id: 'evt_1', occurredAt: at },
  );
  return {
    ...blank,
    email: 'sam@example.com',
    restoreUrl: `https://shop.example/cart/${id}`,
    timezone: 'Europe/Paris',
    consent: true,
    wakeAt: at + HOUR,
    ...overrides,
  };
}

/**
 * Overrides that take makeCart back to what blankCart leaves empty (no items, link, zone, consent
 * or wake-up): for unit tests that set only the fields they look at.
 */
export const BARE = {
  items: [],
  restoreUrl: null,
  timezone: null,
  consent: null,
  wakeAt: null,
} as const satisfies Partial<Cart>;

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
