/**
 * Where a shopper's click on a reminder's cart link may lead: only to a restore link the store
 * itself sent (the click token carries its restoreTarget). Split from link-tokens.ts, which signs
 * and verifies the tokens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Cart } from './cart.ts';

/**
 * The click target of a restore link: the first 16 bytes of its SHA-256, base64url. A click
 * link carries it, so it leads only to the link its reminder was sent with.
 */
export function restoreTarget(restoreUrl: string): string {
  return createHash('sha256')
    .update(restoreUrl, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}

/** Where a verified click lands: the cart's restore link, or the page saying it cannot restore. */
export type ClickLanding =
  | { readonly kind: 'restore'; readonly url: string }
  | { readonly kind: 'gone'; readonly why: 'no_link' | 'link_changed' };

/** The time part of a field stamp (`<zero-padded time>|<event id>`, domain/intake.ts). */
function stampTime(stamp: string): number {
  const time = Number(stamp.slice(0, stamp.indexOf('|')));
  return Number.isFinite(time) ? time : Number.POSITIVE_INFINITY;
}

/**
 * A click leads only to a link the store itself sent: whoever can change a cart's restoreUrl
 * later (the browser lane takes anyone's word for it) must not re-point links already in inboxes.
 *
 * A v2 link carries its target: the cart's current link must be the one it was sent with.
 * A v1 link carries none; it still restores while the cart's link is the one it had when its last
 * reminder went out (set no later than that), which is the link the email was sent with unless
 * the store changed it since. A link set after the last reminder, or a cart whose reminders
 * started over (no last reminder), sends the shopper to the store page instead: never an unsigned
 * target. A link with no stamp predates field stamps, and no event has changed it since.
 */
export function clickLanding(
  cart: Pick<Cart, 'restoreUrl' | 'fieldStamps' | 'lastReminderAt'>,
  target: string | null,
): ClickLanding {
  const url = cart.restoreUrl;
  if (url === null) return { kind: 'gone', why: 'no_link' };
  if (target !== null) {
    const same = sameText(restoreTarget(url), target);
    return same ? { kind: 'restore', url } : { kind: 'gone', why: 'link_changed' };
  }
  const stamp = cart.fieldStamps.restoreUrl;
  if (stamp === undefined) return { kind: 'restore', url };
  const sentAt = cart.lastReminderAt;
  if (sentAt !== null && stampTime(stamp) <= sentAt) return { kind: 'restore', url };
  return { kind: 'gone', why: 'link_changed' };
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length === y.length && timingSafeEqual(x, y);
}
