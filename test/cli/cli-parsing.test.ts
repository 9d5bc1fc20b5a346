/**
 * The command line's own mistakes, as a user meets them: help per command, refused unknown options
 * and extra arguments (one line naming them, with the command's usage), missing values, --version.
 * Every refusal here happens before any data dir is touched: CR_DATA_DIR points nowhere.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Command, parseCommandArgs, shellWord, UsageError } from '../../src/cli/args.ts';
import { COMMANDS, extraCommands } from '../../src/cli/main.ts';
import { runCli } from './run-cli.ts';

// A fresh name each run: a data dir left by an earlier, failed run would fail every refusal.
const NOWHERE = { CR_DATA_DIR: join(tmpdir(), `cr-cli-parsing-never-created-${process.pid}`) };
const SPEC_COMMANDS = [
  'serve',
  'demo',
  'export',
  'summary',
  'cost',
  'suppress',
  'unsubscribe',
  'write-off',
  'audit',
  'send-test-event',
  'backup',
  'restore',
  'secrets',
  'rearm',
];
const dirs: string[] = [];
afterAll(() => {
  for (const dir of [...dirs, NOWHERE.CR_DATA_DIR]) rmSync(dir, { recursive: true, force: true });
});

/** A refusal: exit 2, nothing on stdout, exactly one line on stderr, and no data dir made. */
function expectRefusal(result: { code: number; stdout: string; stderr: string }) {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(existsSync(NOWHERE.CR_DATA_DIR)).toBe(false);
}

describe('help', () => {
  it('export --help prints that command usage and exits 0, instead of asking for a value', async () => {
    const result = await runCli(['export', '--help'], NOWHERE);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toBe('Usage: cart-recovery export --day YYYY-MM-DD');
    expect(result.stdout).toContain('--day YYYY-MM-DD');
  });

  it.each(SPEC_COMMANDS)('%s -h and help %s both print its usage', async (name) => {
    const short = await runCli([name, '-h'], NOWHERE);
    expect(short.code).toBe(0);
    expect(short.stdout).toMatch(new RegExp(`^Usage: cart-recovery ${name}\\b`));
    const long = await runCli(['help', name], NOWHERE);
    expect(long.stdout).toBe(short.stdout);
  });

  it('shows each command usage with its SPEC options', async () => {
    const usage = async (name: string) =>
      (await runCli([name, '--help'], NOWHERE)).stdout.split('\n')[0];
    expect(await usage('summary')).toBe('Usage: cart-recovery summary --month YYYY-MM [--json]');
    expect(await usage('cost')).toBe('Usage: cart-recovery cost --carts N [--json]');
    expect(await usage('write-off')).toBe(
      'Usage: cart-recovery write-off CART --reason TEXT --by NAME',
    );
    expect(await usage('unsubscribe')).toBe('Usage: cart-recovery unsubscribe EMAIL --by NAME');
    expect(await usage('audit')).toBe('Usage: cart-recovery audit CART [--json]');
    expect(await usage('send-test-event')).toBe(
      'Usage: cart-recovery send-test-event [--checkout]',
    );
    expect(await usage('demo')).toMatch(/^Usage: cart-recovery demo \[--data-dir DIR\]/);
  });

  it('--help lists every command; no command at all is usage on stderr with exit 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const name of SPEC_COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('Usage: cart-recovery <command>');
  });
});

describe('--version', () => {
  const version = (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    }
  ).version;
  it.each(['--version', '-v'])('%s prints the package.json version', async (flag) => {
    const result = await runCli([flag]);
    expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('refusals', () => {
  it('an unknown option is named, with the command usage, not taken as needing a value', async () => {
    const result = await runCli(['export', '--day', '2026-11-23', '--zz'], NOWHERE);
    expectRefusal(result);
    expect(result.stderr).toBe(
      'cart-recovery: unknown option --zz (usage: cart-recovery export --day YYYY-MM-DD)\n',
    );
  });

  it('names every unknown option at once, short ones too', async () => {
    const result = await runCli(['summary', '--month', '2026-11', '--jsn', '-x'], NOWHERE);
    expectRefusal(result);
    expect(result.stderr).toContain('unknown options --jsn, -x');
  });

  it('refuses extra positional arguments, naming them', async () => {
    const audit = await runCli(['audit', 'c_42', 'c_43', 'and more'], NOWHERE);
    expectRefusal(audit);
    expect(audit.stderr).toBe(
      'cart-recovery: unexpected arguments "c_43", "and more" (usage: cart-recovery audit CART [--json])\n',
    );
    const serve = await runCli(['serve', 'now'], NOWHERE);
    expectRefusal(serve);
    expect(serve.stderr).toContain('unexpected argument "now"');
  });

  it.each([
    [['export', '--day'], '--day needs a value'],
    [['suppress', 'c_42', '--by'], '--by needs a value'],
    [['write-off', 'c_42', '--reason', '--by', 'sam'], '--reason needs a value'],
  ])('a flag missing its value says so (%j)', async (argv, message) => {
    const result = await runCli(argv, NOWHERE);
    expectRefusal(result);
    expect(result.stderr).toContain(`cart-recovery: ${message}`);
    expect(result.stderr).not.toContain('is required');
  });

  it('a missing required option or positional is named with an example', async () => {
    const noDay = await runCli(['export'], NOWHERE);
    expectRefusal(noDay);
    expect(noDay.stderr).toContain('--day is required (e.g. --day 2026-11-23)');
    const noCart = await runCli(['write-off', '--reason', 'test', '--by', 'sam'], NOWHERE);
    expectRefusal(noCart);
    expect(noCart.stderr).toContain('missing CART');
    const blank = await runCli(['suppress', 'c_42', '--by='], NOWHERE);
    expectRefusal(blank);
    expect(blank.stderr).toContain('--by is required');
  });

  it('a boolean given a value is refused rather than read as false', async () => {
    const result = await runCli(['summary', '--month', '2026-11', '--json=yes'], NOWHERE);
    expectRefusal(result);
    expect(result.stderr).toContain('--json takes no value');
  });

  it('an unknown command is one line pointing at --help', async () => {
    const result = await runCli(['exprot', '--day', '2026-11-23'], NOWHERE);
    expectRefusal(result);
    expect(result.stderr).toBe(
      'cart-recovery: unknown command "exprot" (see cart-recovery --help)\n',
    );
  });
});

describe('parseCommandArgs', () => {
  const command = COMMANDS['write-off'] as Command;
  const parse = (argv: string[]) => {
    const parsed = parseCommandArgs(command, argv);
    if (parsed.kind !== 'run') throw new Error('expected a run');
    return parsed.args;
  };

  it('reads --name value and --name=value, keeping "=" signs inside values', () => {
    const args = parse(['c_42', '--reason=a=b', '--by', 'sam']);
    expect(args.positionals).toEqual(['c_42']);
    expect(Object.fromEntries(args.flags)).toEqual({ reason: 'a=b', by: 'sam' });
  });

  it('takes a value starting with a single dash, and lets the last repeat win', () => {
    expect(parseCommandArgs(COMMANDS.cost, ['--carts', '-5'])).toMatchObject({
      args: { flags: new Map([['carts', '-5']]) },
    });
    expect(parse(['c_42', '--reason', 'x', '--by', 'sam', '--by', 'alex']).flags.get('by')).toBe(
      'alex',
    );
  });

  it('takes what follows -- as positionals, even when it looks like an option', () => {
    const parsed = parseCommandArgs(COMMANDS.audit, ['--', '--odd-cart-id']);
    expect(parsed).toMatchObject({ kind: 'run', args: { positionals: ['--odd-cart-id'] } });
  });

  it('lets --help win over any other problem', () => {
    expect(parseCommandArgs(command, ['--zz', 'a', 'b', '--help'])).toEqual({ kind: 'help' });
  });

  it('throws one UsageError for several problems', () => {
    expect(() => parseCommandArgs(command, ['a', 'b', '--zz'])).toThrow(
      new UsageError(
        'unknown option --zz; unexpected argument "b"; --reason is required (e.g. --reason "test order"); --by is required (e.g. --by sam)',
      ),
    );
  });
});

describe('audit after --', () => {
  it('looks up a cart id that starts with dashes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-cli-parsing-'));
    dirs.push(dir);
    const result = await runCli(['audit', '--', '--odd-cart-id'], {
      CR_DATA_DIR: dir,
      CR_WEBHOOK_SECRET: 'whsec_cli_parsing_0123456789',
      CR_OWNERS: 'sam:own_cli_parsing_0123456789',
    });
    expect(result.stdout).toBe('no cart --odd-cart-id\n');
    expect(result.code).toBe(1);
  });
});

describe('shellWord', () => {
  it.each(['./demo-data', '/tmp/my demo', "it's here", 'a$b`c`', ''])(
    'is read back by bash as %j',
    (text) => {
      expect(
        execFileSync('bash', ['-c', `printf %s ${shellWord(text)}`], { encoding: 'utf8' }),
      ).toBe(text);
    },
  );
});

describe('commands registered by other modules (backup, restore, secrets, rearm)', () => {
  it('run what is registered, with arguments the table has checked', async () => {
    const seen: unknown[] = [];
    extraCommands.set('restore', async () => async (args) => {
      seen.push({ positionals: args.positionals, force: args.flags.get('force') });
      return 0;
    });
    try {
      expect((await runCli(['restore', '/backups/monday', '--force'], NOWHERE)).code).toBe(0);
      expect(seen).toEqual([{ positionals: ['/backups/monday'], force: true }]);
      const extra = await runCli(['restore', 'a', 'b'], NOWHERE);
      expectRefusal(extra);
      expect(extra.stderr).toContain('unexpected argument "b"');
      expect(seen).toHaveLength(1);
    } finally {
      extraCommands.delete('restore');
    }
  });

  it('say so in one line when nothing is registered', async () => {
    // Every command is registered in this build: take one away to see the refusal.
    const loader = extraCommands.get('rearm');
    extraCommands.delete('rearm');
    try {
      const result = await runCli(['rearm'], NOWHERE);
      expectRefusal(result);
      expect(result.stderr).toContain('rearm is not available in this build');
    } finally {
      if (loader !== undefined) extraCommands.set('rearm', loader);
    }
  });
});
