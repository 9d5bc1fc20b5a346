/**
 * The configuration table: every CR_* variable `serve` and the functions read, with its default,
 * parser, README line and how the stack sets it. parseConfig (config.ts) reads STORE_SETTINGS,
 * the README's table is written from configTable() (`npm run docs:config`, checked by a test),
 * and infra/settings.ts takes its context keys from the `aws` column. Rules that span variables
 * (a give-up age after the last step) stay in parseConfig.
 */
import type { StorePlatform } from '../platforms/platform.ts';
import { PLATFORMS } from '../platforms/registry.ts';
import * as p from './config-parsers.ts';
import type { AwsUse, Setting } from './config-setting.ts';
import { AWS_RUNTIME_SETTINGS } from './config-table-aws.ts';

const none = { kind: 'none' } as const;
const context = (key: string) => ({ kind: 'context', key }) as const;
const stack = (key?: string): AwsUse =>
  key === undefined ? { kind: 'stack' } : { kind: 'stack', key };
const secret = (field: string) => ({ kind: 'secret', field }) as const;

/** Read by parseConfig, keyed by the name its value has there; README order. */
export const STORE_SETTINGS = {
  dataDir: {
    variable: 'CR_DATA_DIR',
    fallback: './data',
    doc: 'SQLite file, outbox, exports, generated secrets',
    aws: none,
  },
  port: {
    variable: 'CR_PORT',
    fallback: '8787',
    doc: 'the port `serve` listens on',
    aws: none,
    parse: p.port,
  },
  host: {
    variable: 'CR_HOST',
    fallback: '127.0.0.1',
    doc: 'the address `serve` listens on',
    aws: none,
  },
  publicUrl: {
    variable: 'CR_PUBLIC_URL',
    defaultDoc: '`http://localhost:8787` (follows `CR_PORT`)',
    doc: 'base of links in emails and sheets; https unless the host is localhost, 127.0.0.1 or ::1 (refused with real mail, a warning with the outbox); a localhost URL with real mail is warned about',
    aws: stack('publicUrl'),
    parse: p.publicUrl,
  },
  webhookSecret: {
    variable: 'CR_WEBHOOK_SECRET',
    defaultDoc: 'generated on first run, kept in the data dir, printed once',
    doc: 'signs `POST /events` (16+ characters)',
    aws: secret('webhook'),
    secret: true,
    parse: p.secret16,
  },
  owners: {
    variable: 'CR_OWNERS',
    defaultDoc: '`owner:<generated token>`',
    doc: 'named owner tokens, `sam:TOKEN,alex:TOKEN`; the name is the audit actor',
    aws: secret('owners'),
    secret: true,
    parse: p.owners,
  },
  linkSecret: {
    variable: 'CR_LINK_SECRET',
    defaultDoc: 'generated on first run, kept in the data dir',
    doc: "signs unsubscribe and cart links (16+ characters); the data dir's link secrets still verify links sent before",
    aws: secret('links'),
    secret: true,
    parse: p.secret16,
  },
  freshStart: {
    variable: 'CR_FRESH_START',
    defaultDoc: 'unset',
    doc: '`1` accepts, once, a data dir whose secrets or database went missing (see [Secrets](#secrets))',
    aws: none,
    parse: p.flag,
  },
  cadence: {
    variable: 'CR_CADENCE',
    fallback: '1h,24h,72h',
    doc: 'reminder steps after last activity; durations in s, m, h, d',
    aws: context('cadence'),
    parse: p.cadence,
  },
  giveUpAfter: {
    variable: 'CR_GIVE_UP_AFTER',
    fallback: '7d',
    doc: 'a cart still open this long after its last activity is let go; later than the last step',
    aws: context('giveUpAfter'),
    parse: p.duration,
  },
  quietHours: {
    variable: 'CR_QUIET_HOURS',
    fallback: '21:00-08:00',
    doc: "quiet hours (`off` disables) in the shopper's zone, else the store zone",
    aws: context('quietHours'),
    parse: p.quietHours,
  },
  timeZone: {
    variable: 'CR_TIMEZONE',
    fallback: 'UTC',
    doc: 'the store zone (IANA, like `Europe/Paris`)',
    aws: context('timezone'),
    parse: p.timeZone,
  },
  frequencyCap: {
    variable: 'CR_FREQUENCY_CAP',
    fallback: '20h',
    doc: 'at most one reminder per address per window; `off` disables',
    aws: context('frequencyCap'),
    parse: p.durationOrOff,
  },
  boughtGrace: {
    variable: 'CR_BOUGHT_GRACE',
    fallback: '24h',
    doc: "the purchase guard: no reminder for a cart whose address bought (any cart, any lane) after the cart's last activity, or up to this long before it",
    aws: context('boughtGrace'),
    parse: p.duration,
  },
  requireConsent: {
    variable: 'CR_REQUIRE_CONSENT',
    fallback: 'false',
    doc: 'consent rule: `true` mails only carts whose shopper agreed',
    aws: context('requireConsent'),
    parse: p.consent,
  },
  holdout: {
    variable: 'CR_HOLDOUT',
    fallback: '0%',
    doc: 'share of abandoned carts held out to measure honest lift',
    aws: context('holdout'),
    parse: p.holdout,
  },
  mail: {
    variable: 'CR_MAIL',
    fallback: 'outbox',
    doc: "`outbox` writes `.eml` files to `<data>/outbox/`; `smtp://user:pass@host:port` sends; `ses` is the AWS deployment's",
    aws: stack(),
    parse: p.mail,
  },
  from: {
    variable: 'CR_FROM',
    fallback: 'Demo Store <reminders@shop.example>',
    doc: 'the sender of reminders and summaries, one mailbox',
    aws: stack('from'),
    parse: p.mailbox,
  },
  storeName: {
    variable: 'CR_STORE_NAME',
    fallback: 'Demo Store',
    doc: 'the store, in the footer and the copy',
    aws: stack('storeName'),
  },
  storeAddress: {
    variable: 'CR_STORE_ADDRESS',
    fallback: '1 Example Street, Springfield',
    doc: 'the postal address in the footer',
    aws: stack('storeAddress'),
  },
  storeUrl: {
    variable: 'CR_STORE_URL',
    defaultDoc: 'unset (the page shows no link)',
    doc: 'the store (http or https) a shopper is sent to, with a "Go to" button, when a cart link can no longer restore',
    aws: context('storeUrl'),
    parse: p.httpUrl,
  },
  shopifySecret: {
    variable: 'CR_SHOPIFY_SECRET',
    defaultDoc: 'unset (route answers 404)',
    doc: 'Shopify webhook secret',
    aws: secret('shopify'),
    secret: true,
  },
  reportTo: {
    variable: 'CR_REPORT_TO',
    fallback: '',
    defaultDoc: 'unset',
    doc: 'addresses that get the monthly summary, comma-separated',
    aws: stack('reportTo'),
    parse: p.addresses,
  },
  exportAt: {
    variable: 'CR_EXPORT_AT',
    fallback: '23:55',
    doc: 'local time (store zone) of the nightly sheet in `serve` (on AWS: `-c exportSchedule`)',
    aws: none,
    parse: p.clockTime,
  },
  templatesDir: {
    variable: 'CR_TEMPLATES_DIR',
    defaultDoc: '`./templates`',
    doc: 'the reminder copy, files you can edit (see `templates/README.md`)',
    aws: stack(),
  },
  snippetKey: {
    variable: 'CR_SNIPPET_KEY',
    defaultDoc: 'unset (lane off)',
    doc: "the storefront snippet's publishable key (`pk_...`)",
    aws: none,
    parse: p.snippetKey,
  },
  snippetOrigins: {
    variable: 'CR_SNIPPET_ORIGINS',
    fallback: '',
    defaultDoc: 'unset',
    doc: 'the store origins allowed to use the snippet (`https://shop.example`); needed with `CR_SNIPPET_KEY`',
    aws: none,
    parse: p.list,
  },
  snippetDailyCap: {
    variable: 'CR_SNIPPET_DAILY_CAP',
    fallback: '200',
    doc: 'new addresses the storefront snippet may mail a day (store zone); past it, carts are kept and audited `snippet_daily_cap`, not mailed; `0` mails no new address',
    aws: context('snippetDailyCap'),
    parse: p.dailyCap,
  },
  storeHosts: {
    variable: 'CR_STORE_HOSTS',
    fallback: '',
    defaultDoc: 'unset (any http(s) link)',
    doc: 'hosts or origins (`shop.example, https://cdn.shop.example`) that restore links, item links and images from the signed lanes must be on: `POST /events` refuses others (400 naming the field), a Shopify checkout keeps its cart without the link (and is then never mailed)',
    aws: context('storeHosts'),
    parse: p.storeHosts,
  },
  retainCarts: {
    variable: 'CR_RETAIN_CARTS',
    fallback: '90d',
    doc: "how long a final cart (bought, let go, suppressed, written off) keeps the shopper's data before it shrinks to a tombstone; at least `CR_GIVE_UP_AFTER` + `CR_BOUGHT_GRACE`; `off` keeps carts whole for ever (see [Personal data](#personal-data-what-is-kept-and-for-how-long-gdpr))",
    aws: context('retainCarts'),
    parse: p.durationOrOff,
  },
  logLevel: {
    variable: 'CR_LOG_LEVEL',
    fallback: 'info',
    doc: 'lowest level of the JSON log lines `serve` writes: `trace`, `debug`, `info`, `warn`, `error`, `fatal` or `silent`',
    aws: none,
    parse: p.logLevel,
  },
  metricsToken: {
    variable: 'CR_METRICS_TOKEN',
    defaultDoc: 'unset (`GET /metrics` answers 404)',
    doc: 'bearer token Prometheus sends to `GET /metrics`; 16 to 256 printable characters',
    aws: none,
    secret: true,
    parse: p.bearerToken,
  },
  trustProxy: {
    variable: 'CR_TRUST_PROXY',
    fallback: '',
    defaultDoc: "unset (the connection's own address)",
    doc: 'addresses or CIDRs of the proxy in front (e.g. `10.0.0.0/8`); only from these is `X-Forwarded-For` believed, read right to left',
    aws: context('trustProxy'),
    parse: p.cidrs,
  },
  sqliteSync: {
    variable: 'CR_SQLITE_SYNC',
    fallback: 'FULL',
    doc: "SQLite's `PRAGMA synchronous`: `FULL` has an event on disk before the 200, even if the machine dies; `NORMAL`, `OFF` (benchmarks and tests only) or `EXTRA`",
    aws: none,
    parse: p.sqliteSync,
  },
} as const satisfies Readonly<Record<string, Setting>>;

/** A platform's secret and settings as rows: the registry contributes them, config reads them. */
export function platformSettings(platforms: readonly StorePlatform[]): Setting<string>[] {
  return platforms.flatMap((platform) => [
    {
      variable: platform.secretVariable,
      defaultDoc: 'unset (route answers 404)',
      doc: `${platform.name} webhook secret(s), comma-separated (each verifies, for rotation); opens \`POST ${platform.route}\``,
      aws: secret(platform.name),
      secret: true,
    },
    ...platform.settings.map((setting) => ({
      variable: setting.variable,
      doc: setting.doc,
      aws: setting.secret ? secret(setting.variable) : none,
      secret: setting.secret,
    })),
  ]);
}

/** The rows `serve` and the functions read (with the platforms'), and those only the functions read. */
export function configRows(platforms: readonly StorePlatform[] = PLATFORMS): {
  readonly settings: readonly Setting[];
  readonly awsOnly: readonly Setting[];
} {
  return {
    settings: [...Object.values(STORE_SETTINGS), ...platformSettings(platforms)],
    awsOnly: Object.values(AWS_RUNTIME_SETTINGS),
  };
}

/** Every row of the table, in README order. */
export function configTable(platforms: readonly StorePlatform[] = PLATFORMS): readonly Setting[] {
  const { settings, awsOnly } = configRows(platforms);
  return [...settings, ...awsOnly];
}
