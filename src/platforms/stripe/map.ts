/**
 * Stripe Checkout's events onto our cart events. `checkout.session.expired` is the abandonment:
 * the shopper opened Stripe's payment page and left. `checkout.session.completed` and
 * `checkout.session.async_payment_succeeded` are the purchase. A session opened from an expired
 * one's recovery link names it in `recovered_from`: that id is an alias, so the purchase finds
 * the abandoned cart's row whichever of the two deliveries arrives first.
 */
import type { CartItem } from '../../domain/cart.ts';
import { type CartEvent, EventType, stripFormatCharacters } from '../../domain/events.ts';
import { fieldProblems } from '../../domain/field-problems.ts';
import { boundedId, firstEmail, ITEM_LIMIT } from '../mapping-kit.ts';
import type { PlatformMapping } from '../platform.ts';
import type { StripeApi } from './api.ts';
import {
  consentOf,
  eventSchema,
  fromStripeAmount,
  type StripeLineItem,
  type StripeSession,
  sessionSchema,
} from './payload.ts';

export const StripeEventType = {
  expired: 'checkout.session.expired',
  completed: 'checkout.session.completed',
  asyncSucceeded: 'checkout.session.async_payment_succeeded',
} as const;

export interface StripeMapDeps {
  /** Null without CR_STRIPE_API_KEY: the cart then holds one line for its total. */
  readonly api: StripeApi | null;
  /** Where a failed line-item call is reported; the cart is stored regardless. */
  readonly warn: (message: string) => void;
}

/**
 * What a cart holds when its lines are unknown (no key, or the API failed): one line for the
 * whole amount, so the reminder shows the total and its link. A cart with no line at all would
 * never be mailed (nothing_to_recover), and the shopper would lose the one reminder they can get.
 */
export const TOTAL_ONLY_SKU = 'stripe_checkout_total';
const TOTAL_ONLY_NAME = 'Your order';

const cartIdOf = (sessionId: string) => boundedId('stripe_', sessionId);

export async function mapStripeEvent(body: unknown, deps: StripeMapDeps): Promise<PlatformMapping> {
  const event = eventSchema.safeParse(body);
  if (!event.success) return { kind: 'invalid', details: fieldProblems(event.error.issues) };
  const { type } = event.data;
  if (!isHandled(type)) {
    return { kind: 'ignored', reason: `event type "${type.slice(0, 80)}" is not one we use` };
  }
  const session = sessionSchema.safeParse(event.data.data.object);
  if (!session.success) {
    const details = fieldProblems(session.error.issues).map((p) => ({
      ...p,
      path: `data.object.${p.path}`,
    }));
    return { kind: 'invalid', details };
  }
  const { currency, amount_total: amount } = session.data;
  if (!currency || amount == null) {
    // A setup-mode session saves a card and sells nothing: there is no cart to chase or stop.
    return { kind: 'ignored', reason: 'the session has no amount (setup mode): no cart' };
  }
  const priced = { ...session.data, currency, amount_total: amount };
  const cartEvent = await toCartEvent(event.data, priced, type === StripeEventType.expired, deps);
  return { kind: 'events', events: [cartEvent] };
}

type PricedSession = StripeSession & { currency: string; amount_total: number };

async function toCartEvent(
  event: { readonly id: string; readonly created: number },
  s: PricedSession,
  abandoned: boolean,
  deps: StripeMapDeps,
): Promise<CartEvent> {
  return {
    id: boundedId('stripe_', event.id),
    type: abandoned ? EventType.updated : EventType.checkedOut,
    occurredAt: event.created * 1000,
    orderId: abandoned ? null : s.id,
    cart: {
      id: cartIdOf(s.id),
      email: firstEmail([s.customer_details?.email, s.customer_email]),
      currency: s.currency,
      totalMinor: fromStripeAmount(s.amount_total, s.currency),
      // A purchase stops reminders; its lines would only cost an API call.
      items: abandoned ? await itemsOf(s, deps) : [],
      // Only an expired session with recovery enabled has one; without it the cart stays linkless
      // and is never mailed (nothing_to_recover).
      restoreUrl: abandoned ? (s.after_expiration?.recovery?.url ?? null) : null,
      savedLink: false,
      timezone: null,
      consent: consentOf(s),
    },
    ...(s.recovered_from ? { aliases: [cartIdOf(s.recovered_from)] } : {}),
  };
}

function isHandled(type: string): boolean {
  return (Object.values(StripeEventType) as string[]).includes(type);
}

async function itemsOf(session: PricedSession, deps: StripeMapDeps): Promise<CartItem[]> {
  const { currency, amount_total: amountTotal } = session;
  const totalOnly: CartItem[] = [
    {
      sku: TOTAL_ONLY_SKU,
      name: TOTAL_ONLY_NAME,
      quantity: 1,
      priceMinor: fromStripeAmount(amountTotal, currency),
      url: null,
      imageUrl: null,
    },
  ];
  if (deps.api === null) return totalOnly;
  try {
    const lines = (await deps.api.lineItems(session.id)).flatMap((line, index) =>
      toItem(line, index, currency),
    );
    return lines.length > 0 ? lines : totalOnly;
  } catch (error) {
    deps.warn(
      `[stripe] line items of ${session.id} unavailable, cart stored with its total only: ${(error as Error).message}`,
    );
    return totalOnly;
  }
}

function toItem(line: StripeLineItem, index: number, currency: string): CartItem[] {
  const quantity = line.quantity ?? 1;
  // A line edited down to nothing is not something the shopper left behind.
  if (quantity === 0) return [];
  const unit = line.price?.unit_amount ?? Math.round((line.amount_subtotal ?? 0) / quantity);
  const sku = line.price?.id?.trim() || line.id || `line_${index + 1}`;
  const name = stripFormat(line.description ?? '') || sku;
  return [
    {
      sku: stripFormat(sku).slice(0, ITEM_LIMIT.sku) || `line_${index + 1}`,
      name: name.slice(0, ITEM_LIMIT.name),
      quantity: Math.min(quantity, ITEM_LIMIT.quantity),
      priceMinor: fromStripeAmount(unit, currency),
      url: null,
      imageUrl: null,
    },
  ];
}

// Invisible format characters (bidi overrides, zero-width) out, as on the store lane.
const stripFormat = (text: string) => stripFormatCharacters(text).trim();
