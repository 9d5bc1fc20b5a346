/**
 * The read-decide-write loop every cart use case runs: a conditional write that lost a race is
 * retried from a fresh read, a bounded number of times, then given up loudly.
 *
 *   writer A reads v7 ──write v7→v8 ✓
 *   writer B reads v7 ──write v7 ✗ conflict → reads v8, decides again ──write v8→v9 ✓
 */

/** Enough for any real contention on one cart; more means something rewrites it in a loop. */
export const MAX_ATTEMPTS = 8;

/** What an attempt returns when its write lost the race: read again and retry. */
export const CONFLICT: unique symbol = Symbol('conflict');
export type Attempt<T> = T | typeof CONFLICT;

/** Every attempt lost its race: names the cart and what gave up. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  readonly cartId: string;
  readonly attempts: number;

  constructor(cartId: string, gaveUp: string, attempts: number, options?: ErrorOptions) {
    super(`cart ${cartId}: ${gaveUp} gave up after ${attempts} conflicting writes`, options);
    this.cartId = cartId;
    this.attempts = attempts;
  }
}

export interface GiveUp {
  readonly cartId: string;
  /** What was being done, for the error: "recording sent step 2", "intake of event e_1". */
  readonly what: string;
}

/**
 * Runs `attempt` until it returns something other than CONFLICT, at most `attempts` times; then
 * throws ConflictError. Each attempt must read afresh: a retry on the same read loses again.
 */
export async function retryOnConflict<T>(
  attempts: number,
  attempt: (index: number) => Promise<Attempt<T>>,
  giveUp: GiveUp,
): Promise<T> {
  for (let index = 0; index < attempts; index++) {
    const outcome = await attempt(index);
    if (outcome !== CONFLICT) return outcome;
  }
  throw new ConflictError(giveUp.cartId, giveUp.what, attempts);
}
