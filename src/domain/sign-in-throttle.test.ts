import { describe, expect, it } from 'vitest';
import { createSignInThrottle, DEFAULT_SIGN_IN_THROTTLE } from './sign-in-throttle.ts';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const { freeMisses, forgetAfterMs } = DEFAULT_SIGN_IN_THROTTLE;

function missTimes(throttle: ReturnType<typeof createSignInThrottle>, client: string, n: number) {
  for (let i = 0; i < n; i++) throttle.missed(client, T0);
}

describe('sign-in throttle', () => {
  it('lets the free misses through, then makes that client wait, and no other', () => {
    const throttle = createSignInThrottle();
    missTimes(throttle, 'a', freeMisses);
    expect(throttle.check('a', T0)).toEqual({ ok: true });
    throttle.missed('a', T0);
    const verdict = throttle.check('a', T0);
    expect(verdict).toMatchObject({ ok: false, scope: 'client' });
    expect(throttle.check('b', T0)).toEqual({ ok: true });
    if (verdict.ok) throw new Error('expected a wait');
    expect(throttle.check('a', T0 + verdict.retryAfterMs)).toEqual({ ok: true });
  });

  it('doubles the wait with each further miss, up to its cap', () => {
    const throttle = createSignInThrottle();
    missTimes(throttle, 'a', freeMisses);
    let at = T0;
    const waits: number[] = [];
    for (let i = 0; i < 14; i++) {
      throttle.missed('a', at);
      const verdict = throttle.check('a', at);
      if (verdict.ok) throw new Error('expected a wait');
      waits.push(verdict.retryAfterMs);
      at += verdict.retryAfterMs;
    }
    expect(waits[1]).toBe(2 * (waits[0] ?? 0));
    expect(waits.at(-1)).toBe(DEFAULT_SIGN_IN_THROTTLE.maxWaitMs);
  });

  it('forgives a client after a right token, or after a long quiet', () => {
    const throttle = createSignInThrottle();
    missTimes(throttle, 'a', freeMisses + 1);
    throttle.succeeded('a');
    expect(throttle.check('a', T0)).toEqual({ ok: true });
    missTimes(throttle, 'b', freeMisses + 1);
    expect(throttle.check('b', T0).ok).toBe(false);
    throttle.missed('b', T0 + forgetAfterMs + 1);
    expect(throttle.check('b', T0 + forgetAfterMs + 1)).toEqual({ ok: true });
  });

  it('makes everyone wait once all clients together spent the global budget', () => {
    const throttle = createSignInThrottle();
    for (let i = 0; i <= DEFAULT_SIGN_IN_THROTTLE.globalBurst; i++) throttle.missed(`c${i}`, T0);
    expect(throttle.check('fresh', T0)).toMatchObject({ ok: false, scope: 'everyone' });
  });
});
