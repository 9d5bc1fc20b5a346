/**
 * The stack's settings are the configuration table's `aws` column (src/app/config-table.ts): a
 * row passed on as given reaches every function with store settings, a row the stack sets from a
 * context key arrives under its variable, and no function's environment holds a variable the
 * table does not list as the stack's, so no secret is ever set in plain sight.
 */
import { describe, expect, it } from 'vitest';
import { configTable } from '../src/app/config-rows.ts';
import { KEYS, synth } from './test-synth.ts';

/** A good value for each row the stack takes from context, by variable. */
const SAMPLES: Record<string, string> = {
  CR_PUBLIC_URL: 'https://carts.shop.example',
  CR_WOOCOMMERCE_CONSENT_META: 'newsletter_opt_in',
  CR_CADENCE: '30m,2h',
  CR_GIVE_UP_AFTER: '3d',
  CR_QUIET_HOURS: '22:00-07:00',
  CR_TIMEZONE: 'Europe/Paris',
  CR_FREQUENCY_CAP: '12h',
  CR_BOUGHT_GRACE: '12h',
  CR_REQUIRE_CONSENT: 'true',
  CR_HOLDOUT: '10%',
  CR_FROM: 'Toy Shop <hello@toys.example>',
  CR_STORE_NAME: 'Toy Shop',
  CR_STORE_ADDRESS: '2 Toy Lane, Springfield',
  CR_STORE_URL: 'https://toys.example',
  CR_REPORT_TO: 'owner@toys.example',
  CR_SNIPPET_DAILY_CAP: '50',
  CR_STORE_HOSTS: 'toys.example',
  CR_RETAIN_CARTS: '30d',
  CR_TRUST_PROXY: '10.0.0.0/8',
  CR_WAKEUP_WINDOW_MINUTES: '15',
  CR_GOOGLE_FOLDER_ID: 'folder-123',
};

const rows = configTable();
const keyed = rows.flatMap((row) =>
  (row.aws.kind === 'context' || row.aws.kind === 'stack') && row.aws.key !== undefined
    ? [{ variable: row.variable, key: row.aws.key, kind: row.aws.kind }]
    : [],
);
const { env } = synth(
  Object.fromEntries(keyed.map(({ variable, key }) => [key, SAMPLES[variable] ?? ''])),
);
const withStoreSettings = ['http', 'waiter', 'nightlyExport', 'monthlySummary'] as const;

describe("the stack's settings, read off the configuration table", () => {
  it('has a sample for every row with a context key', () => {
    expect(keyed.filter(({ variable }) => SAMPLES[variable] === undefined)).toEqual([]);
  });

  it('passes a context row as given to every function with store settings', () => {
    for (const { variable } of keyed.filter((row) => row.kind === 'context')) {
      for (const fn of withStoreSettings)
        expect(env(fn)[variable], `${variable} on ${fn}`).toBe(SAMPLES[variable]);
    }
  });

  it('sets a row it takes from context on some function, under its variable', () => {
    for (const { variable } of keyed.filter((row) => row.kind === 'stack')) {
      const values = KEYS.map((fn) => env(fn)[variable]);
      expect(values, variable).toContain(SAMPLES[variable]);
    }
  });

  it('sets no variable the table does not give the stack, and never a secret', () => {
    const byName = new Map(rows.map((row) => [row.variable, row]));
    for (const fn of KEYS) {
      for (const variable of Object.keys(env(fn)).filter((name) => name.startsWith('CR_'))) {
        const kind = byName.get(variable)?.aws.kind;
        expect(kind === 'stack' || kind === 'context', `${variable} on ${fn} (${kind})`).toBe(true);
      }
    }
  });
});
