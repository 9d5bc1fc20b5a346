/**
 * The gate (do-not-disturb), SPEC section 3: consulted on every single send, rules in a fixed
 * order, and the verdict names the rule that held so the audit row can say why.
 */

import type { WaiterInput } from './moves.ts';
import { HOUR } from './policy.ts';
import { isValidTimeZone, quietUntil } from './zoned-time.ts';

export const GateRule = {
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  complained: 'complained',
  noConsent: 'no_consent',
  quietHours: 'quiet_hours',
  frequencyCap: 'frequency_cap',
  olderCart: 'older_cart',
  senderHealth: 'sender_health',
  boughtElsewhere: 'bought_elsewhere',
  snippetDailyCap: 'snippet_daily_cap',
} as const;
export type GateRule = (typeof GateRule)[keyof typeof GateRule];

export type GateVerdict =
  | { readonly verdict: 'open' }
  | {
      readonly verdict: 'never';
      readonly rule: 'unsubscribed' | 'bounced' | 'complained' | 'no_consent';
    }
  | {
      readonly verdict: 'wait';
      readonly rule: 'quiet_hours' | 'frequency_cap' | 'sender_health';
      /** When to look again: the gate may be open then (another rule may still hold). */
      readonly until: number;
    }
  | {
      readonly verdict: 'not_this_cart';
      readonly rule: 'older_cart' | 'bought_elsewhere' | 'snippet_daily_cap';
    };

export type GateInput = Pick<
  WaiterInput,
  | 'cart'
  | 'addressBlock'
  | 'recentSendsToAddress'
  | 'newestOpenCartId'
  | 'lastPurchaseByAddress'
  | 'senderPaused'
  | 'snippetBudgetFull'
  | 'policy'
  | 'now'
>;

/** How long every nudge waits while the sender's bounce or complaint rate is too high. */
export const SENDER_HEALTH_WAIT_MS = HOUR;

const OPEN: GateVerdict = { verdict: 'open' };

export function checkGate(input: GateInput): GateVerdict {
  const { cart, policy, now } = input;
  if (input.addressBlock !== null) return { verdict: 'never', rule: input.addressBlock };
  if (policy.requireConsent && cart.consent === false) {
    return { verdict: 'never', rule: GateRule.noConsent };
  }
  if (boughtSince(input.lastPurchaseByAddress, cart.lastActivityAt - policy.boughtGraceMs)) {
    return { verdict: 'not_this_cart', rule: GateRule.boughtElsewhere };
  }
  if (policy.quietHours !== null) {
    const until = quietUntil(
      now,
      shopperZone(cart.timezone, policy.storeTimeZone),
      policy.quietHours,
    );
    if (until !== null) return { verdict: 'wait', rule: GateRule.quietHours, until };
  }
  // Only the newest open cart of an address is chased; an older one is not waiting its turn.
  if (input.newestOpenCartId !== null && input.newestOpenCartId !== cart.id) {
    return { verdict: 'not_this_cart', rule: GateRule.olderCart };
  }
  const capEnd = frequencyCapEnd(input.recentSendsToAddress, policy.frequencyCapMs);
  if (capEnd !== null && capEnd > now) {
    return { verdict: 'wait', rule: GateRule.frequencyCap, until: capEnd };
  }
  if (input.senderPaused) {
    return { verdict: 'wait', rule: GateRule.senderHealth, until: now + SENDER_HEALTH_WAIT_MS };
  }
  // Last: only a cart that would go out now asks for one of the browser lane's new-address places
  // (app/wake-decide.ts takes it, atomically, just before the send).
  if (input.snippetBudgetFull) {
    return { verdict: 'not_this_cart', rule: GateRule.snippetDailyCap };
  }
  return OPEN;
}

/**
 * The purchase guard (Klaviyo's "placed order since starting this flow"): whatever identity
 * matching missed, a purchase by the same address at or after `since` means this shopper paid.
 */
function boughtSince(lastPurchase: number | null, since: number): boolean {
  return lastPurchase !== null && lastPurchase >= since;
}

/** When the address may be mailed again: newest send plus the cap; null with no cap or sends. */
function frequencyCapEnd(sends: readonly number[], capMs: number | null): number | null {
  if (capMs === null || sends.length === 0) return null;
  return Math.max(...sends) + capMs;
}

/**
 * The shopper's zone when the store sent a usable one, else the store's. A zone string comes from
 * shopper-side data, so a bad one must not stop the waiter: it falls back rather than throws.
 */
export function shopperZone(cartZone: string | null, storeZone: string): string {
  return cartZone !== null && isValidTimeZone(cartZone) ? cartZone : storeZone;
}
