/**
 * The model: only what the promises need. Which checkouts, stops and unsubscribes were
 * acknowledged, and how many mails had gone out at that moment, so every later mail can be judged.
 */

export interface SentEventRecord {
  readonly id: string;
  readonly cartId: string;
  readonly body: string;
  /** Where it was delivered (`/events`, `/webhooks/stripe`...) and its unsigned headers. */
  readonly path: string;
  readonly headers: Record<string, string>;
}

export type StopRecord =
  | { readonly kind: 'suppress' | 'write_off'; readonly cartId: string }
  | { readonly kind: 'unsubscribe'; readonly email: string };

export interface Model {
  nextEventId: number;
  readonly events: SentEventRecord[];
  /** Cart id -> number of mails sent when its checkout was acknowledged. */
  readonly checkedOut: Map<string, number>;
  /**
   * Acknowledged purchases by address: the bought row's email and purchase time, and how many
   * mails had gone out then. No later mail may go to that address about a cart last active
   * after the purchase or within the grace before it (the purchase guard, any cart id).
   */
  readonly purchases: Array<{ email: string; at: number; mailsAtAck: number }>;
  /** Address -> number of mails sent when its unsubscribe was acknowledged. */
  readonly unsubscribed: Map<string, number>;
  readonly stops: StopRecord[];
  /** Carts that have a row (an event for them was acknowledged). */
  readonly known: Set<string>;
  /** Mails recorded so far (a one-click unsubscribe needs one to click). */
  mailsSent: number;
}

export function emptyModel(): Model {
  return {
    nextEventId: 1,
    events: [],
    checkedOut: new Map(),
    purchases: [],
    unsubscribed: new Map(),
    stops: [],
    known: new Set(),
    mailsSent: 0,
  };
}

export interface EventSpec {
  readonly cartId: string;
  readonly email: string | null;
  readonly items: ReadonlyArray<{ sku: string; quantity: number; cents: number }>;
  readonly timezone: string | null;
  readonly checkout: boolean;
  readonly occurredAt: number;
}

/** A store event as the store would post it (SPEC section 1). */
export function eventBody(id: string, spec: EventSpec): string {
  const totalCents = spec.items.reduce((sum, item) => sum + item.quantity * item.cents, 0);
  const money = (cents: number) =>
    `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  return JSON.stringify({
    id,
    type: spec.checkout ? 'cart.checked_out' : 'cart.updated',
    occurredAt: new Date(spec.occurredAt).toISOString(),
    cart: {
      id: spec.cartId,
      ...(spec.email === null ? {} : { email: spec.email }),
      currency: 'USD',
      total: money(totalCents),
      items: spec.items.map((item) => ({
        sku: item.sku,
        name: `Item ${item.sku}`,
        quantity: item.quantity,
        price: money(item.cents),
      })),
      restoreUrl: `https://shop.example/cart/${spec.cartId}`,
      ...(spec.timezone === null ? {} : { timezone: spec.timezone }),
      consent: true,
    },
    orderId: spec.checkout ? `order_${id}` : null,
  });
}
