import { describe, expect, it } from 'vitest';
import { skipReason, unknownSkips } from './contract-skip.ts';

describe('the contract suites’ skip option', () => {
  const skip = [
    { reason: 'no backend call to fail', tests: ['fails over'] },
    { reason: 'cannot tell', tests: ['answers wasSent', 'renamed test'] },
  ];

  it('skips exactly the named tests, each with its own reason', () => {
    expect(skipReason(skip, 'fails over')).toBe('no backend call to fail');
    expect(skipReason(skip, 'answers wasSent')).toBe('cannot tell');
    expect(skipReason(skip, 'fires once')).toBeNull();
    expect(skipReason([], 'fails over')).toBeNull();
  });

  it('names the skips that match no declared test, so a rename cannot hide a skip', () => {
    const declared = new Set(['fails over', 'answers wasSent', 'fires once']);
    expect(unknownSkips(skip, declared)).toEqual(['renamed test']);
    expect(unknownSkips([], declared)).toEqual([]);
  });
});
