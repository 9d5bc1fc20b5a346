/** A made-up cart the template preview renders every step with: names a real store would have. */
import { type Cart, CartStatus } from './cart.ts';

export function sampleCart(now: number, savedLink: boolean): Cart {
  return {
    id: savedLink ? 'c_preview_saved' : 'c_preview',
    email: 'ana.moreau@example.com',
    currency: 'EUR',
    totalMinor: 8450,
    items: [
      {
        sku: 'SHIRT-L',
        name: 'Linen shirt',
        quantity: 1,
        priceMinor: 5900,
        url: null,
        imageUrl: null,
      },
      {
        sku: 'CANDLE',
        name: 'Fig candle',
        quantity: 1,
        priceMinor: 2550,
        url: null,
        imageUrl: null,
      },
    ],
    restoreUrl: 'https://shop.example/cart/c_preview',
    savedLink,
    timezone: null,
    consent: null,
    aliases: [],
    knownEmails: ['ana.moreau@example.com'],
    status: CartStatus.open,
    closedReason: null,
    createdAt: now,
    lastActivityAt: now,
    lastEventId: 'evt_preview',
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
    wakeAt: null,
    fieldStamps: {},
    version: 0,
  };
}
