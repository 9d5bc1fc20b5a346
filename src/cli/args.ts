/** A small argv parser: positionals and --flags (--name value, --name=value, --bool). */

export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Map<string, string | true>;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(
  argv: readonly string[],
  booleanFlags: readonly string[] = [],
): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      // The usual end of options: what follows is taken as is, even if it starts with "--".
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (name === '') throw new UsageError(`"${arg}" is not a flag; use --name value`);
    if (eq !== -1 && booleanFlags.includes(name)) {
      // Callers test `=== true`: a silently kept "--json=yes" string would print text instead.
      const value = arg.slice(eq + 1);
      if (value === 'true') flags.set(name, true);
      else if (value !== 'false')
        throw new UsageError(`--${name} takes no value (or =true/=false)`);
    } else if (eq !== -1) flags.set(name, arg.slice(eq + 1));
    else if (booleanFlags.includes(name)) flags.set(name, true);
    else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { positionals, flags };
}

export function requireFlag(args: ParsedArgs, name: string, example: string): string {
  const value = args.flags.get(name);
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UsageError(`--${name} is required (e.g. --${name} ${example})`);
  }
  return value;
}
