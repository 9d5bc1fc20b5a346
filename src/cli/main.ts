/**
 * The `cart-recovery` command. Every command reads the same CR_* variables as `serve`, and is one
 * entry in COMMANDS (commands.ts): its options and positionals are all the parser accepts, and its
 * help and usage are made from the same entry, so they cannot disagree.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../app/config.ts';
import {
  type Command,
  type CommandRunner,
  commandHelp,
  type Io,
  type ParsedArgs,
  parseCommandArgs,
  requireFlag,
  UsageError,
  usageLine,
} from './args.ts';
import { COMMANDS } from './commands.ts';

export { COMMANDS, extraCommands } from './commands.ts';
export type { CommandRunner, Io, ParsedArgs };

const commandNamed = (name: string): Command | undefined =>
  Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;

export function globalUsage(): string {
  const entries = Object.entries(COMMANDS) as [string, Command][];
  const width = Math.max(...entries.map(([name]) => name.length)) + 2;
  return [
    'Usage: cart-recovery <command> [options]',
    '',
    ...entries.map(([name, command]) => `  ${name.padEnd(width)}${command.summary}`),
    '',
    "  cart-recovery <command> --help   one command's options",
    '  cart-recovery --version          the version',
    '',
    'Configuration is read from CR_* environment variables (see README).',
  ].join('\n');
}

export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** The one line a usage mistake gets on stderr, with the command's usage to copy. */
function usageProblem(message: string, name: string | undefined): string {
  const command = name === undefined ? undefined : commandNamed(name);
  const usage =
    name !== undefined && command !== undefined
      ? `usage: cart-recovery ${usageLine(name, command)}`
      : 'see cart-recovery --help';
  return `cart-recovery: ${message} (${usage})\n`;
}

/**
 * Failures a user can fix, said without a stack, and their exit codes. By name, so that `--version`
 * does not load the HTTP server and the template loader only to compare classes.
 */
const ONE_LINE_ERRORS = new Map([
  ['ListenError', 2],
  ['TemplateFilesError', 2],
  ['SendTestEventError', 1],
  // The data dir's lock and files (the ops branch's src/adapters/sqlite/data-dir-lock.ts and cli/data-dir.ts).
  ['DataDirLockedError', 2],
  ['SecretsFileError', 2],
  ['DatabaseFileError', 2],
  ['DataDirError', 2],
]);

async function dispatch(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${globalUsage()}\n`);
    return 2;
  }
  if (name === '--version' || name === '-v') {
    io.log(packageVersion());
    return 0;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const about = rest[0] === undefined ? undefined : commandNamed(rest[0]);
    io.log(about !== undefined && rest[0] ? commandHelp(rest[0], about) : globalUsage());
    return 0;
  }
  const command = commandNamed(name);
  if (command === undefined) {
    throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  }
  const parsed = parseCommandArgs(command, rest);
  if (parsed.kind === 'help') {
    io.log(commandHelp(name, command));
    return 0;
  }
  return command.run(parsed.args, io);
}

let pipeWatched = false;
/** `cart-recovery demo | head`: a reader that stops early is not a crash; the command finishes. */
function ignoreClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

export async function main(argv: readonly string[], env = process.env): Promise<number> {
  ignoreClosedPipe();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  try {
    return await dispatch(argv, { log, env });
  } catch (error) {
    if (error instanceof UsageError) {
      const name = argv[0] !== undefined && commandNamed(argv[0]) ? argv[0] : undefined;
      process.stderr.write(usageProblem(error.message, name));
      return 2;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`cart-recovery: ${error.message}\n`);
      return 2;
    }
    const code = error instanceof Error ? ONE_LINE_ERRORS.get(error.name) : undefined;
    if (code !== undefined) {
      process.stderr.write(`cart-recovery: ${(error as Error).message}\n`);
      return code;
    }
    throw error;
  }
}

export { requireFlag };
