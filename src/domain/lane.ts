/**
 * The lanes a cart comes in by. The signed lanes (POST /events, the platform webhooks) carry the
 * store's own word; the browser lane (the storefront snippet) carries whatever a browser sends,
 * so it has its own id space, its own budget of new addresses, and its own sender health.
 */

export const Lane = { signed: 'signed', browser: 'browser' } as const;
export type Lane = (typeof Lane)[keyof typeof Lane];

/**
 * Every browser-lane cart id starts with this (the snippet makes them; no browser can name one).
 * A store's own id that happens to start with it is taken for the browser lane's too: budgeted
 * and judged with it, the safe side to err on.
 */
export const BROWSER_CART_PREFIX = 'web_';

export function laneOf(cartId: string): Lane {
  return cartId.startsWith(BROWSER_CART_PREFIX) ? Lane.browser : Lane.signed;
}
