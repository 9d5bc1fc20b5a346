/**
 * The simulated month's shoppers and the audit history it starts from: store-length URLs,
 * Shopify-like ids, three items a cart, a seeded generator so every run plays the same month.
 */
import { AuditAction, type AuditEntry } from '../../src/domain/audit.ts';

export const STORE = 'linen-and-co.myshopify.com';
const CDN = 'https://cdn.shopify.com/s/files/1/0612/3456/7890/files';

/** mulberry32: small, seeded, good enough to spread carts over a month. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (rand: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');

const PRODUCTS = [
  ['washed-linen-shirt-sage', 'Washed linen shirt, Sage, Large', '59.00'],
  ['hand-poured-soy-candle-fig', 'Hand-poured soy candle, Fig & Cedar', '25.50'],
  ['stoneware-mug-speckled', 'Speckled stoneware mug, 350 ml', '18.00'],
  ['merino-throw-oat', 'Merino wool throw, Oat', '129.00'],
  ['linen-napkins-set-of-4', 'Linen napkins, set of 4, Clay', '34.00'],
] as const;

export interface PlannedCart {
  readonly id: string;
  readonly email: string | null;
  readonly items: readonly Record<string, unknown>[];
  readonly total: string;
  readonly restoreUrl: string;
}

export function plannedCart(i: number, rand: () => number, withEmail: boolean): PlannedCart {
  const id = `Z2NwLXVzLWVhc3QxOjAxSj${hex(rand, 22).toUpperCase()}`;
  const picks = [0, 1, 2].map((k) => PRODUCTS[(i + k * 2) % PRODUCTS.length] ?? PRODUCTS[0]);
  const items = picks.map(([handle, name, price], k) => ({
    sku: `${handle.slice(0, 12).toUpperCase()}-${4400 + k}`,
    name,
    quantity: 1,
    price,
    url: `https://${STORE}/products/${handle}?variant=4458${hex(rand, 10)}`,
    imageUrl: `${CDN}/${handle}_800x.jpg?v=17${hex(rand, 8)}`,
  }));
  const cents = picks.reduce((n, [, , price]) => n + Math.round(Number(price) * 100), 0);
  return {
    id,
    email: withEmail ? `shopper.${i}.${hex(rand, 4)}@example.com` : null,
    items,
    total: (cents / 100).toFixed(2),
    restoreUrl: `https://${STORE}/cart/c/${id}?key=${hex(rand, 32)}`,
  };
}

export function cartEventBody(
  cart: PlannedCart,
  id: string,
  type: 'cart.updated' | 'cart.checked_out',
  at: number,
  quantity = 1,
) {
  const items = cart.items.map((item, k) => (k === 0 ? { ...item, quantity } : item));
  const extra = quantity - 1;
  const first = Number(cart.items[0]?.price ?? 0);
  return {
    id,
    type,
    occurredAt: new Date(at).toISOString(),
    cart: {
      id: cart.id,
      ...(cart.email === null ? {} : { email: cart.email }),
      currency: 'USD',
      total: (Number(cart.total) + extra * first).toFixed(2),
      items,
      restoreUrl: cart.restoreUrl,
      consent: true,
    },
    orderId: type === 'cart.checked_out' ? `gid-shopify-Order-${5_800_000_000 + id.length}` : null,
  };
}

/** A cart as an audit snapshot holds it (the fields the real rows carry, at realistic lengths). */
function snapshot(cart: PlannedCart, at: number, status: string) {
  return {
    id: cart.id,
    email: cart.email,
    currency: 'USD',
    total: cart.total,
    items: cart.items,
    restoreUrl: cart.restoreUrl,
    savedLink: false,
    timezone: null,
    consent: true,
    aliases: [],
    knownEmails: cart.email === null ? [] : [cart.email],
    status,
    closedReason: null,
    createdAt: at - 3_600_000,
    lastActivityAt: at - 3_600_000,
    lastEventId: `evt_${cart.id.slice(-10)}`,
    remindersSent: 1,
    abandonedAt: at,
    firstReminderAt: at,
    lastReminderAt: at,
    claimedStep: null,
    claimedAt: null,
    boughtAt: null,
    orderId: null,
    recoveredAt: null,
    clickedAt: null,
    closedAt: null,
    wakeAt: at + 82_800_000,
  };
}

/**
 * Audit history of earlier months: per cart, the kinds of rows the service writes (the cart's
 * creation, reminders with the cart before and after, a checkout), at `at`. Synthetic: the
 * shapes and lengths follow the real rows, the values are made up.
 */
export function historyEntry(i: number, at: number, rand: () => number): AuditEntry {
  const cart = plannedCart(i, rand, true);
  const kind = i % 5;
  const action =
    kind === 0 ? AuditAction.created : kind === 4 ? AuditAction.checkout : AuditAction.reminderSent;
  const after = snapshot(cart, at, kind === 4 ? 'closed' : 'open') as never;
  return {
    cartId: cart.id,
    email: cart.email,
    action,
    actor: 'system',
    at,
    reason: null,
    detail: action === AuditAction.reminderSent ? { step: kind, messageId: hex(rand, 40) } : null,
    before: action === AuditAction.created ? null : after,
    after,
  };
}
