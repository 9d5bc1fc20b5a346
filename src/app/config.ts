/**
 * Configuration from the CR_* variables of SPEC section 6. Parsing is pure (the environment is
 * passed in) and collects every bad value, so a wrong setting is one clear message at start-up.
 */
import { type Cidr, parseCidr } from '../domain/client-address.ts';
import { InvalidDurationError, parseCadence, parseDuration } from '../domain/duration.ts';
import { normaliseEmail, parseMailbox } from '../domain/email.ts';
import { isTimeZone } from '../domain/events.ts';
import { InvalidHoldoutShareError, parseShare } from '../domain/holdout.ts';
import { DAY, type Policy, type QuietHours } from '../domain/policy.ts';
import { parseHostRule } from '../domain/store-hosts.ts';
import { InvalidQuietHoursError, parseQuietHours } from '../domain/zoned-time.ts';
import type { LogLevel } from '../ports/log.ts';
import { parseObservability } from './observability-config.ts';
import { type PlatformConfig, parsePlatformConfig } from './platform-config.ts';
import { publicUrlRule } from './public-url.ts';

export interface OwnerToken {
  readonly name: string;
  readonly token: string;
}

export interface Config extends PlatformConfig {
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  /** Undefined: generate on first run into the data dir. */
  readonly webhookSecret: string | undefined;
  /** Undefined: one owner "owner" with a generated token kept in the data dir. */
  readonly owners: readonly OwnerToken[] | undefined;
  /** CR_LINK_SECRET: signs new links; the data dir's link secrets still verify old ones. */
  readonly linkSecret: string | undefined;
  /** CR_FRESH_START=1: start even though the data dir's secrets or database went missing. */
  readonly freshStart: boolean;
  readonly policy: Policy;
  readonly mail:
    | { readonly kind: 'outbox' }
    | { readonly kind: 'smtp'; readonly url: string }
    | { readonly kind: 'ses' };
  readonly from: string;
  readonly storeName: string;
  /** CR_STORE_URL: where a shopper lands when a cart link can no longer restore; unset: no link. */
  readonly storeUrl: string | undefined;
  /** CR_STORE_HOSTS: the hosts links in reminders may point to on the signed lanes; empty: any. */
  readonly storeHosts: readonly string[];
  readonly storeAddress: string;
  readonly shopifySecret: string | undefined;
  readonly reportTo: readonly string[];
  readonly templatesDir: string | undefined;
  /** Local time (HH:MM, store zone) of the nightly export in `serve`. */
  readonly exportAt: string;
  /** The storefront snippet lane: its publishable key and the store origins allowed to use it. */
  readonly snippet: { readonly key: string; readonly origins: readonly string[] } | null;
  /**
   * CR_SNIPPET_DAILY_CAP: how many addresses the snippet lane may mail for the first time per
   * day (store zone). Read even with the lane off, for the browser carts it already holds.
   */
  readonly snippetDailyCap: number;
  /**
   * CR_TRUST_PROXY: the proxies (addresses or CIDRs) whose X-Forwarded-For is believed. Empty:
   * the connection's own peer address is the client.
   */
  readonly trustProxy: readonly Cidr[];
  /** Settings that work but are probably wrong (printed once by `serve` at start). */
  readonly warnings: readonly string[];
  /** CR_LOG_LEVEL: the lowest level of log line written (SPEC section 7). */
  readonly logLevel: LogLevel;
  /** CR_METRICS_TOKEN: the bearer token `GET /metrics` asks for; unset: the route answers 404. */
  readonly metricsToken: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** A comma-separated variable (`a, b,,c`) as its non-empty, trimmed entries. */
export function commaList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function parseClock(text: string): number | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function parseOwners(text: string, problems: string[]): OwnerToken[] {
  const owners: OwnerToken[] = [];
  for (const pair of commaList(text)) {
    const colon = pair.indexOf(':');
    const name = pair.slice(0, colon).trim();
    const token = pair.slice(colon + 1).trim();
    // A token is sent as `Authorization: Bearer TOKEN`: printable ASCII without spaces.
    if (
      colon <= 0 ||
      !/^[A-Za-z0-9_.-]{1,64}$/.test(name) ||
      !/^[\x21-\x7e]{16,256}$/.test(token)
    ) {
      problems.push(
        `CR_OWNERS: "${name || pair.slice(0, 20)}" must be name:TOKEN with a token of 16 to 256 printable characters and no spaces`,
      );
      continue;
    }
    // The audit's other actors: an owner named "shopper" would have unsubscribes the shopper's
    // own link could lift, and "system" would read as the service's own doing.
    if (name === 'shopper' || name === 'system') {
      problems.push(`CR_OWNERS: "${name}" is a name the audit keeps for itself; pick another`);
      continue;
    }
    // Two owners with one token could not be told apart in the audit; one name twice is a typo.
    if (owners.some((owner) => owner.name === name)) {
      problems.push(`CR_OWNERS: the name "${name}" is given twice`);
      continue;
    }
    if (owners.some((owner) => owner.token === token)) {
      problems.push(`CR_OWNERS: "${name}" has the same token as another owner; give each its own`);
      continue;
    }
    owners.push({ name, token });
  }
  if (owners.length === 0) problems.push('CR_OWNERS: no owner given; use name:TOKEN,name:TOKEN');
  return owners;
}

export function parseConfig(env: Env): Config {
  const problems: string[] = [];
  const get = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const duration = (name: string, fallback: string): number => {
    try {
      return parseDuration(get(name) ?? fallback, name);
    } catch (error) {
      problems.push((error as Error).message);
      return parseDuration(fallback);
    }
  };

  // Digits only: Number() would also take "1e3" or "0x50" and listen somewhere unexpected.
  const portText = get('CR_PORT') ?? '8787';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  const portOk = Number.isInteger(port) && port >= 0 && port <= 65535;
  if (!portOk) problems.push(`CR_PORT: "${portText}" is not a port number (0-65535)`);

  // A bad CR_PORT is reported once, not again as a bad default CR_PUBLIC_URL.
  const defaultUrl = `http://localhost:${portOk ? port : 8787}`;
  const publicUrl = (get('CR_PUBLIC_URL') ?? defaultUrl).replace(/\/+$/, '');
  try {
    const url = new URL(publicUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
  } catch {
    problems.push(`CR_PUBLIC_URL: "${publicUrl}" is not an http(s) URL`);
  }

  let cadenceMs: number[] = [3_600_000, 86_400_000, 259_200_000];
  try {
    cadenceMs = parseCadence(get('CR_CADENCE') ?? '1h,24h,72h', 'CR_CADENCE');
  } catch (error) {
    if (!(error instanceof InvalidDurationError)) throw error;
    problems.push(error.message);
  }
  const giveUpAfterMs = duration('CR_GIVE_UP_AFTER', '7d');
  if (giveUpAfterMs <= (cadenceMs.at(-1) ?? 0)) {
    problems.push('CR_GIVE_UP_AFTER must be later than the last CR_CADENCE step');
  }

  let quiet: QuietHours | null = null;
  try {
    quiet = parseQuietHours(get('CR_QUIET_HOURS') ?? '21:00-08:00');
  } catch (error) {
    if (!(error instanceof InvalidQuietHoursError)) throw error;
    problems.push(error.message);
  }
  const storeTimeZone = get('CR_TIMEZONE') ?? 'UTC';
  if (!isTimeZone(storeTimeZone)) {
    problems.push(`CR_TIMEZONE: "${storeTimeZone}" is not an IANA time zone like Europe/Paris`);
  }
  const boughtGraceMs = duration('CR_BOUGHT_GRACE', '24h');
  const capText = get('CR_FREQUENCY_CAP') ?? '20h';
  const frequencyCapMs =
    capText.toLowerCase() === 'off' ? null : duration('CR_FREQUENCY_CAP', '20h');

  // `off` keeps final carts whole for ever. Otherwise the purchase records retention removes with
  // a cart must outlive every open cart the purchase guard could still stop with them.
  const retainText = get('CR_RETAIN_CARTS') ?? '90d';
  const retainCartsMs =
    retainText.toLowerCase() === 'off' ? null : duration('CR_RETAIN_CARTS', '90d');
  if (retainCartsMs !== null && retainCartsMs < giveUpAfterMs + boughtGraceMs) {
    problems.push(
      'CR_RETAIN_CARTS must be at least CR_GIVE_UP_AFTER plus CR_BOUGHT_GRACE (or off): the purchase guard reads purchases that long',
    );
  }

  const consentText = (get('CR_REQUIRE_CONSENT') ?? 'false').toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(consentText)) {
    problems.push(`CR_REQUIRE_CONSENT: "${consentText}" must be true or false`);
  }
  let holdoutShare = 0;
  try {
    holdoutShare = parseShare(get('CR_HOLDOUT') ?? '0%', 'CR_HOLDOUT');
  } catch (error) {
    if (!(error instanceof InvalidHoldoutShareError)) throw error;
    problems.push(error.message);
  }

  const mailText = get('CR_MAIL') ?? 'outbox';
  let mail: Config['mail'] = { kind: 'outbox' };
  if (mailText === 'ses') mail = { kind: 'ses' };
  else if (/^smtps?:\/\//.test(mailText)) mail = { kind: 'smtp', url: mailText };
  else if (mailText !== 'outbox') {
    problems.push('CR_MAIL: must be outbox, ses, or smtp://user:pass@host:port');
  }

  const ownersText = get('CR_OWNERS');
  const owners = ownersText === undefined ? undefined : parseOwners(ownersText, problems);
  const webhookSecret = get('CR_WEBHOOK_SECRET');
  if (webhookSecret !== undefined && webhookSecret.length < 16) {
    problems.push('CR_WEBHOOK_SECRET: must be at least 16 characters');
  }
  const linkSecret = get('CR_LINK_SECRET');
  if (linkSecret !== undefined && linkSecret.length < 16) {
    problems.push('CR_LINK_SECRET: must be at least 16 characters');
  }
  const exportAt = get('CR_EXPORT_AT') ?? '23:55';
  if (parseClock(exportAt) === null) problems.push(`CR_EXPORT_AT: "${exportAt}" must be HH:MM`);

  // No default: CR_PUBLIC_URL is this service, not the store, and a guess would be a dead end.
  const storeHosts = commaList(get('CR_STORE_HOSTS'));
  for (const entry of storeHosts) {
    if (parseHostRule(entry) === null) {
      problems.push(
        `CR_STORE_HOSTS: "${entry.slice(0, 80)}" is not a host or origin like shop.example or https://cdn.shop.example`,
      );
    }
  }
  const storeUrl = get('CR_STORE_URL');
  if (storeUrl !== undefined && !isHttpUrl(storeUrl)) {
    problems.push(`CR_STORE_URL: "${storeUrl}" is not an http(s) URL like https://shop.example`);
  }

  const snippetKey = get('CR_SNIPPET_KEY');
  const snippetOrigins = commaList(get('CR_SNIPPET_ORIGINS'));
  if (snippetKey !== undefined) {
    if (!/^pk_[A-Za-z0-9_-]{8,100}$/.test(snippetKey)) {
      problems.push('CR_SNIPPET_KEY: must look like pk_ followed by at least 8 letters or digits');
    }
    if (snippetOrigins.length === 0) {
      problems.push(
        'CR_SNIPPET_ORIGINS: list the store origins allowed to use the snippet, e.g. https://shop.example',
      );
    }
    for (const origin of snippetOrigins) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
        problems.push(`CR_SNIPPET_ORIGINS: "${origin}" is not an origin like https://shop.example`);
      }
    }
  }

  const from = get('CR_FROM') ?? 'Demo Store <reminders@shop.example>';
  const sender = parseMailbox(from);
  if (!sender.ok) problems.push(`CR_FROM: "${from.slice(0, 80)}" ${sender.problem}`);
  const reportTo = commaList(get('CR_REPORT_TO'));
  for (const address of reportTo) {
    const checked = normaliseEmail(address);
    if (!checked.ok) problems.push(`CR_REPORT_TO: ${checked.problem}`);
  }

  // Digits only, as for CR_PORT: a cap is a count, and "2e2" or "0x10" is a typo, not a number.
  const dailyCapText = get('CR_SNIPPET_DAILY_CAP') ?? '200';
  const snippetDailyCap = /^\d{1,9}$/.test(dailyCapText) ? Number(dailyCapText) : Number.NaN;
  if (Number.isNaN(snippetDailyCap)) {
    problems.push(
      `CR_SNIPPET_DAILY_CAP: "${dailyCapText}" must be a whole number of new addresses a day, like 200 (0 mails none)`,
    );
  }

  const trustProxy: Cidr[] = [];
  for (const entry of commaList(get('CR_TRUST_PROXY'))) {
    const cidr = parseCidr(entry);
    if (cidr === null) {
      problems.push(
        `CR_TRUST_PROXY: "${entry}" is not an IP address or CIDR range like 10.0.0.1 or 10.0.0.0/8`,
      );
    } else trustProxy.push(cidr);
  }

  const warnings = publicUrlRule(publicUrl, mail, problems);
  const { logLevel, metricsToken } = parseObservability(get, problems);

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    dataDir: get('CR_DATA_DIR') ?? './data',
    port,
    host: get('CR_HOST') ?? '127.0.0.1',
    publicUrl,
    webhookSecret,
    owners,
    linkSecret,
    freshStart: ['true', '1', 'yes'].includes(get('CR_FRESH_START') ?? ''),
    policy: {
      cadenceMs,
      giveUpAfterMs,
      quietHours: quiet,
      storeTimeZone,
      frequencyCapMs,
      requireConsent: ['true', '1', 'yes'].includes(consentText),
      holdoutShare,
      recoveryWindowMs: 7 * DAY,
      boughtGraceMs,
      retainCartsMs,
    },
    mail,
    from,
    storeName: get('CR_STORE_NAME') ?? 'Demo Store',
    storeUrl,
    storeHosts,
    storeAddress: get('CR_STORE_ADDRESS') ?? '1 Example Street, Springfield',
    shopifySecret: get('CR_SHOPIFY_SECRET'),
    // Every registered platform's secrets and settings (Shopify's included), by name.
    ...parsePlatformConfig(get),
    reportTo,
    templatesDir: get('CR_TEMPLATES_DIR'),
    exportAt,
    snippet: snippetKey === undefined ? null : { key: snippetKey, origins: snippetOrigins },
    snippetDailyCap,
    trustProxy,
    warnings,
    logLevel,
    metricsToken,
  };
}
