import { describe, expect, it } from 'vitest';
import { parseArgs, requireFlag, UsageError } from './args.ts';

const flagsOf = (argv: string[], booleans: string[] = []) =>
  Object.fromEntries(parseArgs(argv, booleans).flags);

describe('parseArgs', () => {
  it('separates positionals from --name value flags', () => {
    const args = parseArgs(['write-off', 'c_42', '--reason', 'test order', '--by', 'sam']);
    expect(args.positionals).toEqual(['write-off', 'c_42']);
    expect(Object.fromEntries(args.flags)).toEqual({ reason: 'test order', by: 'sam' });
  });

  it('reads --name=value, keeping later "=" signs and empty values', () => {
    expect(flagsOf(['--day=2026-11-23', '--note=a=b', '--empty='])).toEqual({
      day: '2026-11-23',
      note: 'a=b',
      empty: '',
    });
  });

  it('reads boolean flags without taking the next word', () => {
    const args = parseArgs(['summary', '--json', '--month', '2026-11', 'extra'], ['json']);
    expect(args.positionals).toEqual(['summary', 'extra']);
    expect(Object.fromEntries(args.flags)).toEqual({ json: true, month: '2026-11' });
  });

  it('reads --bool=true and --bool=false', () => {
    expect(flagsOf(['--json=true'], ['json'])).toEqual({ json: true });
    expect(flagsOf(['--json=false'], ['json'])).toEqual({});
  });

  it('rejects a boolean flag given some other value', () => {
    expect(() => parseArgs(['--json=yes please'], ['json'])).toThrow(UsageError);
  });

  it('takes a value that starts with a single dash', () => {
    expect(flagsOf(['--carts', '-5'])).toEqual({ carts: '-5' });
  });

  it('lets the last of a repeated flag win', () => {
    expect(flagsOf(['--by', 'sam', '--by', 'alex'])).toEqual({ by: 'alex' });
  });

  it('treats everything after -- as positionals', () => {
    const args = parseArgs(['audit', '--', '--odd-cart-id', '--json'], ['json']);
    expect(args.positionals).toEqual(['audit', '--odd-cart-id', '--json']);
    expect(args.flags.size).toBe(0);
  });

  it.each([[['--by']], [['suppress', 'c_42', '--by']], [['--reason', '--by', 'sam']]])(
    'a flag with no value is a UsageError naming it (%j)',
    (argv) => {
      let caught: unknown;
      try {
        parseArgs(argv);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as Error).name).toBe('UsageError');
      expect((caught as Error).message).toMatch(/^--(by|reason) needs a value/);
    },
  );

  it.each(['--=x', '--='])('rejects a flag with no name (%s)', (arg) => {
    expect(() => parseArgs([arg])).toThrow(UsageError);
  });

  it('gives no flags and no positionals for an empty argv', () => {
    const args = parseArgs([]);
    expect(args.positionals).toEqual([]);
    expect(args.flags.size).toBe(0);
  });
});

describe('requireFlag', () => {
  it('returns the value', () => {
    expect(requireFlag(parseArgs(['--by', 'sam']), 'by', 'sam')).toBe('sam');
  });

  it.each([[[]], [['--by=']], [['--by=   ']], [['--by'], ['by']]])(
    'is a UsageError with an example when missing or blank (%j)',
    (argv, booleans = []) => {
      expect(() => requireFlag(parseArgs(argv, booleans), 'by', 'sam')).toThrow(
        new UsageError('--by is required (e.g. --by sam)'),
      );
    },
  );
});
