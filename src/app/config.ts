/**
 * Configuration from the CR_* variables of SPEC sections 6 and 7, read off the configuration
 * table (config-table.ts). Parsing is pure (the environment is passed in) and collects every bad
 * value, so a wrong setting is one clear message at start-up.
 */

import type { Cidr } from '../domain/client-address.ts';
import type { Policy } from '../domain/policy.ts';
import { DAY } from '../domain/policy.ts';
import type { StorePlatform } from '../platforms/platform.ts';
import { PLATFORMS } from '../platforms/registry.ts';
import type { LogLevel } from '../ports/log.ts';
import type { MailSetting, OwnerToken, SqliteSync } from './config-parsers.ts';
import { type Env, readSettings, textOf } from './config-setting.ts';
import { STORE_SETTINGS } from './config-table.ts';
import { type PlatformConfig, parsePlatformConfig } from './platform-config.ts';
import { publicUrlRule } from './public-url.ts';

export { commaList } from './config-parsers.ts';
export type { MailSetting, OwnerToken, SqliteSync };

/** With each registered platform's secrets and settings, by platform name (platform-config.ts). */
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
  readonly mail: MailSetting;
  readonly from: string;
  readonly storeName: string;
  /** CR_STORE_URL: where a shopper lands when a cart link can no longer restore; unset: no link. */
  readonly storeUrl: string | undefined;
  /** CR_STORE_HOSTS: the hosts links in reminders may point to on the signed lanes; empty: any. */
  readonly storeHosts: readonly string[];
  readonly storeAddress: string;
  /** CR_SHOPIFY_SECRET as given; the route reads `platformSecrets.shopify`, its registry row's. */
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
  /** CR_SQLITE_SYNC: SQLite's `PRAGMA synchronous` for the local database (FULL unless told). */
  readonly sqliteSync: SqliteSync;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Values = ReturnType<typeof readSettings<typeof STORE_SETTINGS>>;

/** The rules across variables: each value alone was fine, together they would not work. */
function crossRules(v: Values, problems: string[]): void {
  if (v.giveUpAfter <= (v.cadence.at(-1) ?? 0)) {
    problems.push('CR_GIVE_UP_AFTER must be later than the last CR_CADENCE step');
  }
  // `off` keeps final carts whole for ever. Otherwise the purchase records retention removes with
  // a cart must outlive every open cart the purchase guard could still stop with them.
  if (v.retainCarts !== null && v.retainCarts < v.giveUpAfter + v.boughtGrace) {
    problems.push(
      'CR_RETAIN_CARTS must be at least CR_GIVE_UP_AFTER plus CR_BOUGHT_GRACE (or off): the purchase guard reads purchases that long',
    );
  }
  if (v.snippetKey === undefined) return;
  if (v.snippetOrigins.length === 0) {
    problems.push(
      'CR_SNIPPET_ORIGINS: list the store origins allowed to use the snippet, e.g. https://shop.example',
    );
  }
  for (const origin of v.snippetOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      problems.push(`CR_SNIPPET_ORIGINS: "${origin}" is not an origin like https://shop.example`);
    }
  }
}

function policyOf(v: Values): Policy {
  return {
    cadenceMs: v.cadence,
    giveUpAfterMs: v.giveUpAfter,
    quietHours: v.quietHours,
    storeTimeZone: v.timeZone,
    frequencyCapMs: v.frequencyCap,
    requireConsent: v.requireConsent,
    holdoutShare: v.holdout,
    recoveryWindowMs: 7 * DAY,
    boughtGraceMs: v.boughtGrace,
    retainCartsMs: v.retainCarts,
  };
}

export function parseConfig(env: Env, platforms: readonly StorePlatform[] = PLATFORMS): Config {
  const problems: string[] = [];
  const v = readSettings(env, STORE_SETTINGS, problems);
  crossRules(v, problems);
  // A bad CR_PORT is reported once, not again as a bad default CR_PUBLIC_URL.
  const publicUrl = v.publicUrl ?? `http://localhost:${v.port}`;
  const warnings = publicUrlRule(publicUrl, v.mail, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    dataDir: v.dataDir,
    port: v.port,
    host: v.host,
    publicUrl,
    webhookSecret: v.webhookSecret,
    owners: v.owners,
    linkSecret: v.linkSecret,
    freshStart: v.freshStart ?? false,
    policy: policyOf(v),
    mail: v.mail,
    from: v.from,
    storeName: v.storeName,
    storeUrl: v.storeUrl,
    storeHosts: v.storeHosts,
    storeAddress: v.storeAddress,
    shopifySecret: textOf(env, 'CR_SHOPIFY_SECRET'),
    reportTo: v.reportTo,
    templatesDir: v.templatesDir,
    exportAt: v.exportAt,
    snippet: v.snippetKey === undefined ? null : { key: v.snippetKey, origins: v.snippetOrigins },
    snippetDailyCap: v.snippetDailyCap,
    trustProxy: v.trustProxy,
    warnings,
    logLevel: v.logLevel,
    metricsToken: v.metricsToken,
    sqliteSync: v.sqliteSync,
    // Every registered platform's secrets and settings (Shopify's included), by name: their rows
    // are the registry's (config-rows.ts), so a new platform adds no line here.
    ...parsePlatformConfig((name) => textOf(env, name), platforms),
  };
}
