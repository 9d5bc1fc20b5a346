/**
 * The holdout group (CR_HOLDOUT): a stable share of carts that are never reminded, so the
 * summary can show the lift reminders really made. Membership is a hash of the cart id, not a
 * coin toss, so it is the same after a restart, on another machine, and in the summary.
 */
import { createHash } from 'node:crypto';

// Changing the salt reshuffles every cart between the groups: never change it in place.
const SALT = 'cart-recovery/holdout/v1:';
const TWO_POW_32 = 2 ** 32;

/** The cart's fixed position in [0, 1): first 32 bits of sha256(salt + id). */
export function holdoutPoint(cartId: string): number {
  const digest = createHash('sha256')
    .update(SALT + cartId, 'utf8')
    .digest();
  return digest.readUInt32BE(0) / TWO_POW_32;
}

/** Whether the cart is held out when `share` (0..1) of carts are. */
export function isHeldOut(cartId: string, share: number): boolean {
  if (!(share > 0)) return false;
  return holdoutPoint(cartId) < share;
}

export class InvalidHoldoutShareError extends Error {
  override readonly name = 'InvalidHoldoutShareError';
}

/** "10%", "0.1", "0%" -> a share in 0..1. */
export function parseShare(text: string, what = 'CR_HOLDOUT'): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] === '%' ? 100 : 1) : Number.NaN;
  if (!(value >= 0 && value <= 1)) {
    throw new InvalidHoldoutShareError(
      `${what}: "${text}" is not a share; use a percentage like 10% or a fraction like 0.1 (0 to 100%)`,
    );
  }
  return value;
}
