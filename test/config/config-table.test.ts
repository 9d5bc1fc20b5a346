/**
 * The configuration table is the one list of variables: the README's tables are written from it,
 * every CR_* name the code reads or the stack sets is a row of it, SPEC's names are in it, and a
 * registered platform's variables join it without touching config.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_DOCS_END, CONFIG_DOCS_START, configDocs } from '../../src/app/config-docs.ts';
import { configRows, configTable } from '../../src/app/config-rows.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter(
      (entry) => entry.isFile() && /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name),
    )
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/**
 * SPEC sections 6 and 7, in their order. CR_STRIPE_SECRET, CR_STRIPE_API_KEY and
 * CR_WOOCOMMERCE_SECRET join them as their platforms' rows once registry.ts lists Stripe and
 * WooCommerce (platformSettings); until then no code reads them.
 */
const SPEC_VARIABLES = [
  ...['CR_DATA_DIR', 'CR_PORT', 'CR_HOST', 'CR_PUBLIC_URL', 'CR_WEBHOOK_SECRET', 'CR_OWNERS'],
  ...['CR_CADENCE', 'CR_GIVE_UP_AFTER', 'CR_QUIET_HOURS', 'CR_TIMEZONE', 'CR_FREQUENCY_CAP'],
  ...['CR_REQUIRE_CONSENT', 'CR_HOLDOUT', 'CR_MAIL', 'CR_FROM', 'CR_STORE_NAME'],
  ...['CR_STORE_ADDRESS', 'CR_SHOPIFY_SECRET', 'CR_REPORT_TO', 'CR_TABLE_STATE', 'CR_TABLE_AUDIT'],
  ...['CR_TABLE_UNSUBSCRIBE', 'CR_SCHEDULE_GROUP', 'CR_WAITER_ARN', 'CR_SCHEDULER_ROLE_ARN'],
  ...['CR_BOUGHT_GRACE', 'CR_STORE_URL', 'CR_STORE_HOSTS', 'CR_SNIPPET_DAILY_CAP'],
  ...['CR_TRUST_PROXY', 'CR_LOG_LEVEL', 'CR_METRICS_TOKEN', 'CR_LINK_SECRET', 'CR_RETAIN_CARTS'],
];

const names = new Set(configTable().map((row) => row.variable));

describe("the README's configuration tables", () => {
  it('are the ones the table writes (run npm run docs:config after changing a row)', () => {
    const readme = read('README.md');
    const start = readme.indexOf(CONFIG_DOCS_START) + CONFIG_DOCS_START.length;
    const end = readme.indexOf(CONFIG_DOCS_END);
    expect(start, 'the start marker').toBeGreaterThan(CONFIG_DOCS_START.length - 1);
    const { settings, awsOnly } = configRows();
    expect(readme.slice(start, end).trim()).toBe(configDocs(settings, awsOnly));
  });
});

describe('the configuration table', () => {
  it('names each variable once', () => {
    const all = configTable().map((row) => row.variable);
    expect(all.filter((name, i) => all.indexOf(name) !== i)).toEqual([]);
  });

  it('holds every CR_* name the code reads or the stack sets', () => {
    const used = new Map<string, string>();
    for (const file of [...sourceFiles('src'), ...sourceFiles('infra')]) {
      // Quoted names and object keys are read or set; names in comments are prose.
      const text = read(file);
      for (const match of text.matchAll(/['"`](CR_[A-Z0-9_]+)['"`]|\b(CR_[A-Z0-9_]+):\s/g)) {
        const name = match[1] ?? match[2] ?? '';
        if (!text.slice(0, match.index).split('\n').at(-1)?.trimStart().startsWith('*'))
          used.set(name, file);
      }
    }
    expect(used.size).toBeGreaterThan(30);
    const missing = [...used].filter(([name]) => !names.has(name));
    expect(missing.map(([name, file]) => `${name} (${file})`)).toEqual([]);
  });

  it('holds every variable SPEC sections 6 and 7 name (a contract: these names never change)', () => {
    const missing = SPEC_VARIABLES.filter((name) => !names.has(name));
    expect(missing).toEqual([]);
  });

  it('is read from the environment only by the runtimes (cli/, lambda/): no adapter reads it', () => {
    const layers = ['adapters', 'app', 'http', 'domain', 'ports', 'platforms'];
    const readers = layers
      .flatMap((layer) => sourceFiles(`src/${layer}`))
      .filter((file) => /\bprocess\.env\b/.test(read(file)));
    expect(readers).toEqual([]);
  });
});
