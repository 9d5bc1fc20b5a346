import { describe, expect, it } from 'vitest';
import { formatDuration, InvalidDurationError, parseCadence, parseDuration } from './duration.ts';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  it.each([
    ['90s', 90 * S],
    ['15m', 15 * M],
    ['1h', H],
    ['7d', 7 * D],
    ['1.5h', 90 * M],
    ['0.5s', 500],
    [' 2 h ', 2 * H],
  ])('"%s" is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['abc', '0s', '0.0h', '-1h', '1w', '', '1', 'h', '1hh', '1h30m', '1e3s', '+1h', '1,5h'])(
    'rejects "%s" with an InvalidDurationError naming the variable',
    (text) => {
      let caught: unknown;
      try {
        parseDuration(text, 'CR_GIVE_UP_AFTER');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidDurationError);
      expect((caught as Error).name).toBe('InvalidDurationError');
      expect((caught as Error).message).toMatch(/^CR_GIVE_UP_AFTER: /);
      expect((caught as Error).message).toContain(`"${text}"`);
    },
  );
});

describe('parseCadence', () => {
  it('reads the default cadence', () => {
    expect(parseCadence('1h,24h,72h')).toEqual([H, 24 * H, 72 * H]);
  });

  it('works in seconds, with spaces around the commas', () => {
    expect(parseCadence('2s, 4s ,6s')).toEqual([2 * S, 4 * S, 6 * S]);
  });

  it('takes a single step', () => {
    expect(parseCadence('30m')).toEqual([30 * M]);
  });

  it.each(['24h,1h', '1h,1h', '1h,60m', '1h,2h,90m'])('rejects "%s": not increasing', (text) => {
    expect(() => parseCadence(text)).toThrow(/CR_CADENCE: .*must be increasing/);
  });

  it.each(['', ',', '1h,,2h', '1h,', 'abc'])('rejects "%s"', (text) => {
    expect(() => parseCadence(text)).toThrow(InvalidDurationError);
    expect(() => parseCadence(text)).toThrow(/CR_CADENCE/);
  });

  it('names the step that is wrong', () => {
    expect(() => parseCadence('1h,2x')).toThrow(/CR_CADENCE step 2: "2x"/);
  });
});

describe('formatDuration', () => {
  it.each([
    [7 * D, '7d'],
    [H, '1h'],
    [72 * H, '3d'],
    [25 * H, '25h'],
    [90 * M, '90m'],
    [90 * S, '90s'],
    [2 * S, '2s'],
  ])('%i ms prints as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each(['90s', '15m', '1h', '7d', '25h'])('parses back what it prints (%s)', (text) => {
    expect(formatDuration(parseDuration(text))).toBe(text);
  });
});
