/**
 * Every `npx cart-recovery ...` the README and docs/events.md tell a reader to type is a command
 * the CLI accepts as written: no option it would refuse, no argument too many or too few.
 * (The first-hour end-to-end test runs the first screen's commands and the curl example for real.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Command, parseCommandArgs } from '../../src/cli/args.ts';
import { COMMANDS } from '../../src/cli/main.ts';

const DOCS = ['README.md', 'docs/events.md'];

/** `npx cart-recovery audit c_42` anywhere in the text, up to a backtick, comment or line end. */
function commandsIn(path: string): string[][] {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  return (
    [...text.matchAll(/npx cart-recovery ([^`#\n)]*)/g)]
      .map((m) => (m[1] ?? '').trim())
      // "npx cart-recovery ..." is prose for any command.
      .filter((line) => line !== '' && !line.startsWith('...'))
      .map((line) => line.replace(/[,.;:]$/, ''))
      .map((line) => line.split(/\s+/))
  );
}

describe.each(DOCS)('commands in %s', (path) => {
  const commands = commandsIn(path);

  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThan(path === 'README.md' ? 5 : 1);
  });

  it.each(commands.map((argv) => [argv.join(' '), argv] as const))('%s parses', (_, argv) => {
    const [name, ...rest] = argv;
    expect(Object.keys(COMMANDS)).toContain(name);
    const command = COMMANDS[name as keyof typeof COMMANDS] as Command;
    expect(() => parseCommandArgs(command, rest)).not.toThrow();
  });
});

describe.each(DOCS)('%s', (path) => {
  it('has no fixed occurredAt a reader would send stale; examples stamp it with date', () => {
    const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
    expect(text).not.toMatch(/"occurredAt"\s*:\s*"\d{4}-/);
    expect(text).toContain('date -u +%Y-%m-%dT%H:%M:%SZ');
  });
});
