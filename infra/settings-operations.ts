/**
 * The operating settings of the stack (how much it may run at once, how wake-ups spread, who
 * hears when something fails), read from CDK context like the rest of settings.ts.
 *
 * Reserved concurrency is a cap and a promise at once: the http function can never run more
 * than `httpConcurrency` copies (a flood on the public Function URL is answered 429 instead of
 * taking the account's whole concurrency and throttling the waiter), and the waiter never more
 * than `waiterConcurrency`, which paces the sends to what SES accepts (a throttled waiter run is
 * queued and retried by Lambda, up to the 6 h event age of infra/failures.ts). Both are reserved
 * out of the account's concurrency quota, and Lambda always keeps 100 of it unreserved: an
 * account with the new-account quota of 10 cannot reserve anything, and the deploy fails with
 * "...decreases account's UnreservedConcurrentExecution below its minimum value of [100]". Such an
 * account deploys with `-c httpConcurrency=off -c waiterConcurrency=off` until Service Quotas
 * raises its limit (free; the default quota is 1000).
 */

import { commaList } from '../src/app/config.ts';
import { normaliseEmail } from '../src/domain/email.ts';
import type { ContextReader } from './settings.ts';

export interface OperationsSettings {
  /** Reserved concurrency of the http function; undefined: no reservation. */
  readonly httpConcurrency: number | undefined;
  /** Reserved concurrency of the waiter; undefined: no reservation. */
  readonly waiterConcurrency: number | undefined;
  /** Scheduler's flexible window for every wake-up, in minutes; undefined: OFF. */
  readonly wakeupWindowMinutes: number | undefined;
  /** Who is mailed the operator alarms: `alarmTo`, else `reportTo`; never empty. */
  readonly alarmTo: readonly string[];
}

/**
 * 20 http copies answer well over a hundred requests a second (a request takes tens of ms), far
 * beyond a small store's webhooks and shoppers. 5 waiters, each sending at most one reminder in
 * about half a second, send at most ~10 a second: under the 14 a second a new SES production
 * account gets, so a herd is paced by Lambda instead of throttled by SES. 25 reserved in all: the
 * default quota of 1000 leaves 975 for everything else in the account.
 */
export const DEFAULT_OPERATIONS = {
  httpConcurrency: 20,
  waiterConcurrency: 5,
} as const;

const OFF = new Set(['off', 'false', 'none', '0']);

function read(context: ContextReader, key: string): string | undefined {
  const value = context(key);
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** A whole number from 1 to `max`, or off; `fallback` when not given. */
function wholeOrOff(
  context: ContextReader,
  key: string,
  fallback: number | undefined,
  max: number,
  unit: string,
  problems: string[],
): number | undefined {
  const text = read(context, key);
  if (text === undefined) return fallback;
  if (OFF.has(text.toLowerCase())) return undefined;
  const value = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= max)) {
    problems.push(`${key}: "${text}" must be off (or 0) or whole ${unit} from 1 to ${max}`);
    return fallback;
  }
  return value;
}

function alarmAddresses(context: ContextReader, problems: string[]): string[] {
  const given = read(context, 'alarmTo');
  const entries = commaList(given ?? read(context, 'reportTo'));
  const addresses: string[] = [];
  for (const entry of entries) {
    const checked = normaliseEmail(entry);
    if (checked.ok) addresses.push(checked.email);
    // A bad reportTo is already refused, as CR_REPORT_TO, by the app's own check (settings.ts).
    else if (given !== undefined) problems.push(`alarmTo: ${checked.problem}`);
  }
  if (entries.length === 0) {
    problems.push(
      'alarmTo: no address for the operator alarms (failed wake-ups, throttling, dead letters). ' +
        'Give one or more, comma-separated: -c alarmTo=ops@shop.example, or put "alarmTo" under ' +
        '"context" in cdk.json; without it the alarm falls back to reportTo, and without either ' +
        'nobody would ever hear of a failure',
    );
  }
  return addresses;
}

export function operationsFromContext(
  context: ContextReader,
  problems: string[],
): OperationsSettings {
  return {
    httpConcurrency: wholeOrOff(
      context,
      'httpConcurrency',
      DEFAULT_OPERATIONS.httpConcurrency,
      1000,
      'concurrent copies',
      problems,
    ),
    waiterConcurrency: wholeOrOff(
      context,
      'waiterConcurrency',
      DEFAULT_OPERATIONS.waiterConcurrency,
      1000,
      'concurrent copies',
      problems,
    ),
    // Scheduler's own bounds for MaximumWindowInMinutes.
    wakeupWindowMinutes: wholeOrOff(
      context,
      'wakeupWindowMinutes',
      undefined,
      1440,
      'minutes',
      problems,
    ),
    alarmTo: alarmAddresses(context, problems),
  };
}
