/**
 * One row of the configuration table (config-table.ts): a variable, its default, its parser, its
 * line in the README and how the AWS stack gives it to the functions. parseConfig, the README's
 * table (config-docs.ts) and the stack's settings (infra/settings.ts) are all read off these rows,
 * so a variable cannot be parsed in one place and documented or deployed differently in another.
 */

/** A value, or every problem with it: each one line that starts with the variable's name. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly string[] };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const bad = (...problems: string[]): Parsed<never> => ({ ok: false, problems });

/** How the CDK stack (infra/) hands a variable to the Lambda functions. */
export type AwsUse =
  /** Taken as given from `-c <key>=...`, checked at synth, set on every function with store settings. */
  | { readonly kind: 'context'; readonly key: string }
  /** Set by the stack itself (a table name, an ARN, `ses`), from `-c <key>=...` when there is a key. */
  | { readonly kind: 'stack'; readonly key?: string }
  /** A field of the stack's one JSON secret (CR_SECRETS_NAME); a variable of this name still wins. */
  | { readonly kind: 'secret'; readonly field: string }
  /** The stack does not set it: `serve` only, or set on a function by hand. */
  | { readonly kind: 'none' };

export interface Setting<T = unknown> {
  /** The environment variable, exactly as SPEC sections 6 and 7 name it. */
  readonly variable: string;
  /** The text used when the variable is unset or blank; absent: the value is undefined. */
  readonly fallback?: string;
  /** The README's default column when it is not `fallback` as code (`unset (route answers 404)`). */
  readonly defaultDoc?: string;
  /** One line of the README's meaning column (Markdown). */
  readonly doc: string;
  readonly aws: AwsUse;
  /** Never logged or printed; on AWS kept in the stack's secret rather than the environment. */
  readonly secret?: boolean;
  /** The value from its trimmed, non-empty text; absent: the text itself. */
  readonly parse?: (text: string, variable: string) => Parsed<T>;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A variable's trimmed text; blank counts as unset, as an empty `CR_X=` in a .env file means. */
export function textOf(env: Env, variable: string): string | undefined {
  const value = env[variable]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

type ValueOf<S> = S extends { parse: (text: string, variable: string) => Parsed<infer T> }
  ? T
  : string;

/** A row with a fallback always has a value (a bad one reports and falls back to the default). */
export type ValueRead<S> = S extends { fallback: string } ? ValueOf<S> : ValueOf<S> | undefined;

/** One row's value from the environment; its problems go to `problems`. */
export function readSetting<T>(env: Env, setting: Setting<T>, problems: string[]): T | undefined {
  const parse = (text: string): Parsed<T> =>
    setting.parse?.(text, setting.variable) ?? ok(text as T);
  const text = textOf(env, setting.variable) ?? setting.fallback;
  if (text === undefined) return undefined;
  const parsed = parse(text);
  if (parsed.ok) return parsed.value;
  problems.push(...parsed.problems);
  // The default stands in, so rules across variables judge the rest and blame no one else.
  if (setting.fallback === undefined || text === setting.fallback) return undefined;
  const standIn = parse(setting.fallback);
  return standIn.ok ? standIn.value : undefined;
}

/** Every row of a group, read in the group's order: the problems come out in that order too. */
export function readSettings<G extends Readonly<Record<string, Setting>>>(
  env: Env,
  group: G,
  problems: string[],
): { readonly [K in keyof G]: ValueRead<G[K]> } {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(group)) {
    values[key] = readSetting(env, setting, problems);
  }
  return values as { readonly [K in keyof G]: ValueRead<G[K]> };
}
