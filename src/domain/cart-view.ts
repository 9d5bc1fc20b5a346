/** The cart as JSON for owners and APIs: ISO times and decimal money strings. */
import type { Cart, CartView } from './cart.ts';
import { toDecimalString } from './money.ts';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function toCartView(cart: Cart): CartView {
  return {
    id: cart.id,
    status: cart.status,
    closedReason: cart.closedReason,
    email: cart.email,
    total: toDecimalString(cart.totalMinor, cart.currency),
    currency: cart.currency,
    items: cart.items.map((item) => ({
      sku: item.sku,
      name: item.name,
      quantity: item.quantity,
      price: toDecimalString(item.priceMinor, cart.currency),
      url: item.url,
      imageUrl: item.imageUrl,
    })),
    remindersSent: cart.remindersSent,
    savedLink: cart.savedLink,
    lastActivityAt: new Date(cart.lastActivityAt).toISOString(),
    recoveredAt: iso(cart.recoveredAt),
    boughtAt: iso(cart.boughtAt),
    restoreUrl: cart.restoreUrl,
    createdAt: new Date(cart.createdAt).toISOString(),
    wakeAt: iso(cart.wakeAt),
  };
}
