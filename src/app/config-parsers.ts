/**
 * The parsers of the configuration table's rows: each takes a variable's trimmed text and gives
 * its value or one-line problems that start with the variable's name.
 */
import { type Cidr, parseCidr } from '../domain/client-address.ts';
import { InvalidDurationError, parseCadence, parseDuration } from '../domain/duration.ts';
import { normaliseEmail, parseMailbox } from '../domain/email.ts';
import { isTimeZone } from '../domain/events.ts';
import { InvalidHoldoutShareError, parseShare } from '../domain/holdout.ts';
import { isHttpUrl } from '../domain/input-rules.ts';
import type { QuietHours } from '../domain/policy.ts';
import { parseHostRule } from '../domain/store-hosts.ts';
import { InvalidQuietHoursError, parseQuietHours } from '../domain/zoned-time.ts';
import { LOG_LEVELS, type LogLevel } from '../ports/log.ts';
import { bad, ok, type Parsed } from './config-setting.ts';

export interface OwnerToken {
  readonly name: string;
  readonly token: string;
}

export type MailSetting =
  | { readonly kind: 'outbox' }
  | { readonly kind: 'smtp'; readonly url: string }
  | { readonly kind: 'ses' };

/** SQLite's `PRAGMA synchronous` levels, the only words CR_SQLITE_SYNC may interpolate. */
export const SQLITE_SYNC_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
export type SqliteSync = (typeof SQLITE_SYNC_LEVELS)[number];

/** A comma-separated variable (`a, b,,c`) as its non-empty, trimmed entries. */
export function commaList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** A throwing domain parser as a row parser: its own error class becomes the problem. */
function caught<T>(errorClass: new (...args: never[]) => Error, parse: () => T): Parsed<T> {
  try {
    return ok(parse());
  } catch (error) {
    if (!(error instanceof errorClass)) throw error;
    return bad(error.message);
  }
}

/** Each entry checked on its own, so every bad one is named. */
function entries<T>(text: string, check: (entry: string) => Parsed<T>): Parsed<T[]> {
  const values: T[] = [];
  const problems: string[] = [];
  for (const entry of commaList(text)) {
    const checked = check(entry);
    if (checked.ok) values.push(checked.value);
    else problems.push(...checked.problems);
  }
  return problems.length > 0 ? bad(...problems) : ok(values);
}

export const text = (value: string): Parsed<string> => ok(value);

// Digits only: Number() would also take "1e3" or "0x50" and listen somewhere unexpected.
export function port(value: string): Parsed<number> {
  const number = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  return Number.isInteger(number) && number >= 0 && number <= 65535
    ? ok(number)
    : bad(`CR_PORT: "${value}" is not a port number (0-65535)`);
}

export function publicUrl(value: string): Parsed<string> {
  const url = value.replace(/\/+$/, '');
  return isHttpUrl(url) ? ok(url) : bad(`CR_PUBLIC_URL: "${url}" is not an http(s) URL`);
}

export const duration = (value: string, variable: string): Parsed<number> =>
  caught(InvalidDurationError, () => parseDuration(value, variable));

/** `off` (any case) is null: the rule is switched off. */
export const durationOrOff = (value: string, variable: string): Parsed<number | null> =>
  value.toLowerCase() === 'off' ? ok(null) : duration(value, variable);

export const cadence = (value: string, variable: string): Parsed<number[]> =>
  caught(InvalidDurationError, () => parseCadence(value, variable));

export const quietHours = (value: string): Parsed<QuietHours | null> =>
  caught(InvalidQuietHoursError, () => parseQuietHours(value));

export const timeZone = (value: string): Parsed<string> =>
  isTimeZone(value)
    ? ok(value)
    : bad(`CR_TIMEZONE: "${value}" is not an IANA time zone like Europe/Paris`);

const YES = ['true', '1', 'yes'];

export function consent(value: string): Parsed<boolean> {
  const lower = value.toLowerCase();
  return [...YES, 'false', '0', 'no'].includes(lower)
    ? ok(YES.includes(lower))
    : bad(`CR_REQUIRE_CONSENT: "${lower}" must be true or false`);
}

/** A one-off switch: anything but true, 1 or yes leaves it off. */
export const flag = (value: string): Parsed<boolean> => ok(YES.includes(value));

export const holdout = (value: string, variable: string): Parsed<number> =>
  caught(InvalidHoldoutShareError, () => parseShare(value, variable));

export function mail(value: string): Parsed<MailSetting> {
  if (value === 'outbox') return ok({ kind: 'outbox' });
  if (value === 'ses') return ok({ kind: 'ses' });
  if (/^smtps?:\/\//.test(value)) return ok({ kind: 'smtp', url: value });
  return bad('CR_MAIL: must be outbox, ses, or smtp://user:pass@host:port');
}

function owner(pair: string, owners: readonly OwnerToken[]): Parsed<OwnerToken> {
  const colon = pair.indexOf(':');
  const name = pair.slice(0, colon).trim();
  const token = pair.slice(colon + 1).trim();
  // A token is sent as `Authorization: Bearer TOKEN`: printable ASCII without spaces.
  if (colon <= 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(name) || !/^[\x21-\x7e]{16,256}$/.test(token)) {
    return bad(
      `CR_OWNERS: "${name || pair.slice(0, 20)}" must be name:TOKEN with a token of 16 to 256 printable characters and no spaces`,
    );
  }
  // The audit's other actors: an owner named "shopper" would have unsubscribes the shopper's
  // own link could lift, and "system" would read as the service's own doing.
  if (name === 'shopper' || name === 'system') {
    return bad(`CR_OWNERS: "${name}" is a name the audit keeps for itself; pick another`);
  }
  // Two owners with one token could not be told apart in the audit; one name twice is a typo.
  if (owners.some((owner) => owner.name === name)) {
    return bad(`CR_OWNERS: the name "${name}" is given twice`);
  }
  if (owners.some((owner) => owner.token === token)) {
    return bad(`CR_OWNERS: "${name}" has the same token as another owner; give each its own`);
  }
  return ok({ name, token });
}

export function owners(value: string): Parsed<OwnerToken[]> {
  const found: OwnerToken[] = [];
  const parsed = entries(value, (pair) => {
    const checked = owner(pair, found);
    if (checked.ok) found.push(checked.value);
    return checked;
  });
  if (!parsed.ok) return parsed;
  return found.length > 0 ? parsed : bad('CR_OWNERS: no owner given; use name:TOKEN,name:TOKEN');
}

export const secret16 = (value: string, variable: string): Parsed<string> =>
  value.length >= 16 ? ok(value) : bad(`${variable}: must be at least 16 characters`);

export const clockTime = (value: string, variable: string): Parsed<string> =>
  /^([01]?\d|2[0-3]):([0-5]\d)$/.test(value)
    ? ok(value)
    : bad(`${variable}: "${value}" must be HH:MM`);

// No default: CR_PUBLIC_URL is this service, not the store, and a guess would be a dead end.
export const storeHosts = (value: string): Parsed<string[]> =>
  entries(value, (entry) =>
    parseHostRule(entry) === null
      ? bad(
          `CR_STORE_HOSTS: "${entry.slice(0, 80)}" is not a host or origin like shop.example or https://cdn.shop.example`,
        )
      : ok(entry),
  );

export const httpUrl = (value: string, variable: string): Parsed<string> =>
  isHttpUrl(value)
    ? ok(value)
    : bad(`${variable}: "${value}" is not an http(s) URL like https://shop.example`);

export const snippetKey = (value: string): Parsed<string> =>
  /^pk_[A-Za-z0-9_-]{8,100}$/.test(value)
    ? ok(value)
    : bad('CR_SNIPPET_KEY: must look like pk_ followed by at least 8 letters or digits');

export const list = (value: string): Parsed<string[]> => ok(commaList(value));

export function mailbox(value: string, variable: string): Parsed<string> {
  const sender = parseMailbox(value);
  return sender.ok ? ok(value) : bad(`${variable}: "${value.slice(0, 80)}" ${sender.problem}`);
}

/** The addresses as given (the mailer normalises when it sends). */
export const addresses = (value: string, variable: string): Parsed<string[]> =>
  entries(value, (entry) => {
    const checked = normaliseEmail(entry);
    return checked.ok ? ok(entry) : bad(`${variable}: ${checked.problem}`);
  });

// Digits only, as for CR_PORT: a cap is a count, and "2e2" or "0x10" is a typo, not a number.
export const dailyCap = (value: string, variable: string): Parsed<number> =>
  /^\d{1,9}$/.test(value)
    ? ok(Number(value))
    : bad(
        `${variable}: "${value}" must be a whole number of new addresses a day, like 200 (0 mails none)`,
      );

export const cidrs = (value: string, variable: string): Parsed<Cidr[]> =>
  entries(value, (entry) => {
    const cidr = parseCidr(entry);
    return cidr !== null
      ? ok(cidr)
      : bad(
          `${variable}: "${entry}" is not an IP address or CIDR range like 10.0.0.1 or 10.0.0.0/8`,
        );
  });

export function logLevel(value: string, variable: string): Parsed<LogLevel> {
  const lower = value.toLowerCase();
  const level = LOG_LEVELS.find((name) => name === lower);
  return level !== undefined
    ? ok(level)
    : bad(`${variable}: "${lower.slice(0, 20)}" must be one of ${LOG_LEVELS.join(', ')}`);
}

// Sent as `Authorization: Bearer TOKEN`, like an owner token, and as hard to guess.
export const bearerToken = (value: string, variable: string): Parsed<string> =>
  /^[\x21-\x7e]{16,256}$/.test(value)
    ? ok(value)
    : bad(
        `${variable}: must be 16 to 256 printable characters with no spaces (e.g. openssl rand -hex 24)`,
      );

// Interpolated into a PRAGMA, so only SQLite's own words pass; any case, as SQLite reads them.
export function sqliteSync(value: string, variable: string): Parsed<SqliteSync> {
  const upper = value.toUpperCase();
  const level = SQLITE_SYNC_LEVELS.find((name) => name === upper);
  return level !== undefined
    ? ok(level)
    : bad(`${variable}: "${value.slice(0, 20)}" must be one of ${SQLITE_SYNC_LEVELS.join(', ')}`);
}
