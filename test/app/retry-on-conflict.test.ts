import { describe, expect, it } from 'vitest';
import {
  CONFLICT,
  ConflictError,
  MAX_ATTEMPTS,
  retryOnConflict,
} from '../../src/app/retry-on-conflict.ts';

describe('retryOnConflict', () => {
  it('reads again after each lost race and answers with the first write that lands', async () => {
    const seen: number[] = [];
    const answer = await retryOnConflict(
      MAX_ATTEMPTS,
      async (attempt) => {
        seen.push(attempt);
        return attempt < 3 ? CONFLICT : `saved on attempt ${attempt}`;
      },
      { cartId: 'c_1', what: 'waking' },
    );
    expect(answer).toBe('saved on attempt 3');
    expect(seen).toEqual([0, 1, 2, 3]);
  });

  it('gives up after the last attempt, naming the cart and what gave up', async () => {
    let attempts = 0;
    const run = retryOnConflict(
      MAX_ATTEMPTS,
      async () => {
        attempts++;
        return CONFLICT;
      },
      { cartId: 'c_42', what: 'recording sent step 2' },
    );
    await expect(run).rejects.toThrow(ConflictError);
    await expect(run).rejects.toThrow(
      'cart c_42: recording sent step 2 gave up after 8 conflicting writes',
    );
    await expect(run).rejects.toMatchObject({ name: 'ConflictError', cartId: 'c_42' });
    expect(attempts).toBe(8);
  });
});
