/**
 * Deployment settings of the stack, read from CDK context (`npx cdk deploy -c from=...`) with
 * defaults so `npx cdk synth` works with no arguments. The store policy values are checked with
 * the same parser the Lambdas use at start-up, so a bad cadence fails the synth, not a wake-up.
 */
import { ConfigError, parseConfig } from '../src/app/config.ts';
import { configTable } from '../src/app/config-rows.ts';
import { STORE_SETTINGS } from '../src/app/config-table.ts';
import { type OperationsSettings, operationsFromContext } from './settings-operations.ts';

export interface CartRecoverySettings {
  /** Prefix of every physical name (tables, schedule group, secrets, waiter): `cr-state`, ... */
  readonly prefix: string;
  /** CR_FROM: the sender of reminders and summaries. */
  readonly from: string;
  /** The SES identity the sender belongs to: its domain unless told otherwise. */
  readonly sesIdentity: string;
  readonly storeName: string;
  readonly storeAddress: string;
  /** A custom domain in front of the Function URL; undefined means the Function URL itself. */
  readonly publicUrl: string | undefined;
  /** CR_REPORT_TO: comma-separated addresses that get the monthly summary. */
  readonly reportTo: string | undefined;
  /**
   * Accepted so existing cdk.json files still synthesize; it changes nothing now: the Shopify
   * secret is the `shopify` field of the stack's one secret, and the route opens when it is set.
   */
  readonly shopify: boolean;
  /** Google Drive folder of the nightly sheets (CR_GOOGLE_FOLDER_ID). */
  readonly googleFolderId: string | undefined;
  /** EventBridge schedule expressions (UTC) of the nightly export and the monthly summary. */
  readonly exportSchedule: string;
  readonly summarySchedule: string;
  /** Store policy variables given explicitly (CR_CADENCE, ...); the rest keep the app defaults. */
  readonly policyEnv: Readonly<Record<string, string>>;
  /** Concurrency caps, the wake-up window and the alarm addresses (settings-operations.ts). */
  readonly operations: OperationsSettings;
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid stack settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

/**
 * Context key to the variable the Lambdas read, for every row of the configuration table the
 * stack passes on as given (`aws: context(...)` in src/app/config-table.ts): the store policy,
 * CR_STORE_URL and CR_STORE_HOSTS, and the public lanes' fences.
 */
export const POLICY_CONTEXT: Readonly<Record<string, string>> = Object.fromEntries(
  configTable().flatMap((row) => (row.aws.kind === 'context' ? [[row.aws.key, row.variable]] : [])),
);

/** The context key the table gives a variable the stack sets itself (CR_FROM: `from`). */
export function contextKeyOf(variable: string): string {
  const aws = configTable().find((row) => row.variable === variable)?.aws;
  if (aws?.kind !== 'stack' || aws.key === undefined) {
    throw new SettingsError([`${variable}: the configuration table gives it no context key`]);
  }
  return aws.key;
}

export const DEFAULT_SETTINGS = {
  prefix: 'cr',
  // The app's own defaults, so a synth with no context deploys what `serve` runs with.
  from: STORE_SETTINGS.from.fallback,
  storeName: STORE_SETTINGS.storeName.fallback,
  storeAddress: STORE_SETTINGS.storeAddress.fallback,
  // Half past midnight UTC: the handler exports the last complete day in the store's zone.
  exportSchedule: 'cron(30 0 * * ? *)',
  // 06:00 UTC on the 1st: the previous month is complete in every zone from UTC-6 eastwards.
  summarySchedule: 'cron(0 6 1 * ? *)',
} as const;

/** `Demo <a@shop.example>` or `a@shop.example` to `shop.example`; null when there is no domain. */
export function senderDomain(from: string): string | null {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  const match = /^[^\s@<>]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})$/.exec(address.trim());
  return match?.[1]?.toLowerCase() ?? null;
}

export type ContextReader = (key: string) => unknown;

function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null) return undefined;
  const str = String(value).trim();
  return str === '' ? undefined : str;
}

function flag(read: ContextReader, key: string, problems: string[]): boolean {
  const value = text(read, key)?.toLowerCase() ?? 'false';
  if (value === 'true' || value === 'false') return value === 'true';
  problems.push(`${key}: "${value}" must be true or false`);
  return false;
}

const SCHEDULE_EXPRESSION = /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/;

function schedule(read: ContextReader, key: string, fallback: string, problems: string[]) {
  const value = text(read, key) ?? fallback;
  if (!SCHEDULE_EXPRESSION.test(value)) {
    problems.push(`${key}: "${value}" must be an EventBridge cron(...) or rate(...) expression`);
  }
  return value;
}

/** Runs the app's own parser over the variables the functions will get, to fail at synth. */
function checkWithAppConfig(env: Record<string, string>, problems: string[]): void {
  try {
    parseConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
}

export function settingsFromContext(read: ContextReader): CartRecoverySettings {
  const problems: string[] = [];
  const prefix = text(read, 'prefix') ?? DEFAULT_SETTINGS.prefix;
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(prefix)) {
    problems.push(`prefix: "${prefix}" must be 1-20 of a-z, 0-9 and -, starting with a letter`);
  }
  const from = text(read, contextKeyOf('CR_FROM')) ?? DEFAULT_SETTINGS.from;
  const domain = senderDomain(from);
  if (domain === null) problems.push(`from: "${from}" has no sender address like a@shop.example`);
  const sesIdentity = text(read, 'sesIdentity') ?? domain ?? 'invalid';

  const publicUrl = text(read, contextKeyOf('CR_PUBLIC_URL'))?.replace(/\/+$/, '');
  if (publicUrl !== undefined && !/^https:\/\/[^\s/]+/.test(publicUrl)) {
    problems.push(`publicUrl: "${publicUrl}" must be an https:// URL`);
  }

  const policyEnv: Record<string, string> = {};
  for (const [key, variable] of Object.entries(POLICY_CONTEXT)) {
    const value = text(read, key);
    if (value !== undefined) policyEnv[variable] = value;
  }
  const reportTo = text(read, contextKeyOf('CR_REPORT_TO'));
  const storeName = text(read, contextKeyOf('CR_STORE_NAME')) ?? DEFAULT_SETTINGS.storeName;
  const storeAddress =
    text(read, contextKeyOf('CR_STORE_ADDRESS')) ?? DEFAULT_SETTINGS.storeAddress;
  checkWithAppConfig(
    {
      ...policyEnv,
      CR_FROM: from,
      CR_STORE_NAME: storeName,
      CR_STORE_ADDRESS: storeAddress,
      CR_MAIL: 'ses',
      ...(publicUrl === undefined ? {} : { CR_PUBLIC_URL: publicUrl }),
      ...(reportTo === undefined ? {} : { CR_REPORT_TO: reportTo }),
    },
    problems,
  );

  const settings: CartRecoverySettings = {
    prefix,
    from,
    sesIdentity,
    storeName,
    storeAddress,
    publicUrl,
    reportTo,
    shopify: flag(read, 'shopify', problems),
    googleFolderId: text(read, contextKeyOf('CR_GOOGLE_FOLDER_ID')),
    exportSchedule: schedule(read, 'exportSchedule', DEFAULT_SETTINGS.exportSchedule, problems),
    summarySchedule: schedule(read, 'summarySchedule', DEFAULT_SETTINGS.summarySchedule, problems),
    policyEnv,
    operations: operationsFromContext(read, problems),
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
