/**
 * Command-line parsing on `node:util` parseArgs, driven by one table entry per command: the entry
 * says which options and positionals the command takes, and everything else is refused with one
 * line naming what was wrong and the command's usage.
 */
import { parseArgs as parseNodeArgs } from 'node:util';

export interface ParsedArgs {
  readonly positionals: string[];
  /** Option values by long name; a boolean option given is `true`. */
  readonly flags: Map<string, string | true>;
}

export interface Io {
  readonly log: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

export type CommandRunner = (args: ParsedArgs, io: Io) => Promise<number>;

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** The value's placeholder in usage, e.g. YYYY-MM-DD (string options). */
  readonly value?: string;
  /** A value shown when a required option is missing: `--day is required (e.g. --day 2026-11-23)`. */
  readonly example?: string;
  readonly required?: boolean;
  readonly help: string;
}

export interface PositionalSpec {
  readonly name: string;
  readonly help: string;
}

export interface Command {
  /** One line for the list of commands. */
  readonly summary: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** All required, in order: no command takes optional positionals. */
  readonly positionals: readonly PositionalSpec[];
  readonly run: CommandRunner;
}

/** A word a shell reads back as is: `CR_DATA_DIR=${shellWord(dir)} npx ...` for the user to copy. */
export function shellWord(text: string): string {
  return /^[\w./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `export --day YYYY-MM-DD`, `summary --month YYYY-MM [--json]`: what the usage line shows. */
export function usageLine(name: string, command: Command): string {
  const words = [name, ...command.positionals.map((p) => p.name)];
  for (const [option, spec] of Object.entries(command.options)) {
    const word = spec.type === 'string' ? `--${option} ${spec.value ?? 'VALUE'}` : `--${option}`;
    words.push(spec.required ? word : `[${word}]`);
  }
  return words.join(' ');
}

/** `cart-recovery export --help`: usage, then each positional and option with its help. */
export function commandHelp(name: string, command: Command): string {
  const rows: [string, string][] = [
    ...command.positionals.map((p): [string, string] => [p.name, p.help]),
    ...Object.entries(command.options).map(([option, spec]): [string, string] => [
      spec.type === 'string' ? `--${option} ${spec.value ?? 'VALUE'}` : `--${option}`,
      spec.help,
    ]),
    ['-h, --help', 'show this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `Usage: cart-recovery ${usageLine(name, command)}`,
    '',
    `${command.summary}.`,
    '',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
  ].join('\n');
}

const plural = (count: number, one: string, many: string) => (count === 1 ? one : many);

/**
 * "--by --reason x": node would take "--reason" as --by's value. A string option followed by
 * another option (or by nothing) has no value: it is dropped here and said so, and the rest parses.
 */
function withoutValuelessOptions(command: Command, argv: readonly string[]) {
  const kept: string[] = [];
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      kept.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const spec = arg.startsWith('--') ? command.options[arg.slice(2)] : undefined;
    if (spec?.type === 'string' && (next === undefined || next.startsWith('--'))) {
      problems.push(`${arg} needs a value`);
      continue;
    }
    kept.push(arg);
  }
  return { kept, problems };
}

/** The problems with one command's argv, each already worded for the user. */
function problemsOf(command: Command, argv: readonly string[]) {
  const options = { ...command.options, help: { type: 'boolean' as const, help: '' } };
  const { kept, problems } = withoutValuelessOptions(command, argv);
  const { tokens } = parseNodeArgs({
    args: kept,
    options: Object.fromEntries(
      Object.entries(options).map(([name, spec]) => [
        name,
        name === 'help' ? { type: spec.type, short: 'h' } : { type: spec.type },
      ]),
    ),
    // Not strict: node's own messages are several sentences; these checks word each one here.
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const unknown: string[] = [];
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = options[token.name as keyof typeof options];
    if (spec === undefined) unknown.push(token.rawName);
    else if (token.name === 'help') help = true;
    else if (spec.type === 'boolean') {
      if (token.inlineValue) problems.push(`${token.rawName} takes no value`);
      else flags.set(token.name, true);
    } else if (token.value === undefined) problems.push(`${token.rawName} needs a value`);
    else flags.set(token.name, token.value);
  }
  return { unknown, problems, flags, positionals, help };
}

export type ParseOutcome =
  | { readonly kind: 'help' }
  | { readonly kind: 'run'; readonly args: ParsedArgs };

/**
 * The command's argv checked against its table entry. Every problem is collected into one
 * UsageError line; `--help` anywhere wins over any problem.
 */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParseOutcome {
  const { unknown, problems, flags, positionals, help } = problemsOf(command, argv);
  if (help) return { kind: 'help' };
  if (unknown.length > 0) {
    problems.unshift(
      `unknown ${plural(unknown.length, 'option', 'options')} ${unknown.join(', ')}`,
    );
  }
  const extra = positionals.slice(command.positionals.length);
  if (extra.length > 0) {
    const quoted = extra.map((word) => JSON.stringify(word)).join(', ');
    problems.push(`unexpected ${plural(extra.length, 'argument', 'arguments')} ${quoted}`);
  }
  const missing = command.positionals.slice(positionals.length).map((p) => p.name);
  if (missing.length > 0) problems.push(`missing ${missing.join(' and ')}`);
  for (const [name, spec] of Object.entries(command.options)) {
    const value = flags.get(name);
    const blank = typeof value === 'string' && value.trim() === '';
    if (spec.required && !problems.some((p) => p.startsWith(`--${name} `)) && (!value || blank)) {
      problems.push(`--${name} is required (e.g. --${name} ${spec.example ?? spec.value ?? ''})`);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return { kind: 'run', args: { positionals, flags } };
}

/** A string option's value (the table has already refused a missing required one). */
export function requireFlag(args: ParsedArgs, name: string, example: string): string {
  const value = args.flags.get(name);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${name} is required (e.g. --${name} ${example})`);
  }
  return value;
}
