import { describe, expect, it } from 'vitest';
import type { StorePlatform } from '../platforms/platform.ts';
import { ConfigError, parseConfig } from './config.ts';
import { configDocs } from './config-docs.ts';
import { configRows, configTable } from './config-rows.ts';
import { readSetting } from './config-setting.ts';
import { STORE_SETTINGS } from './config-table.ts';

/** A platform only this test knows: adding one is its registry entry, config follows. */
const toy: StorePlatform = {
  name: 'toyshop',
  title: 'Toyshop',
  route: '/webhooks/toyshop',
  eventIdPath: 'id',
  maxBodyBytes: 65_536,
  secretVariable: 'CR_TOYSHOP_SECRET',
  settings: [
    { variable: 'CR_TOYSHOP_API_KEY', doc: 'reads line items from the Toyshop API', secret: true },
    { variable: 'CR_TOYSHOP_REGION', doc: 'the Toyshop region, `eu` or `us`', secret: false },
  ],
  create: () => ({ verify: () => ({ ok: true }), map: () => ({ kind: 'ignored', reason: 'toy' }) }),
};

describe('the rows', () => {
  it('each parse their own default without a problem, so the documented default is the value', () => {
    for (const row of configTable()) {
      if (row.fallback === undefined) continue;
      const problems: string[] = [];
      readSetting({}, row, problems);
      expect(problems, row.variable).toEqual([]);
    }
  });

  it('give parseConfig its values: a set variable beats the default, a blank one does not', () => {
    expect(parseConfig({ CR_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(parseConfig({ CR_HOST: '  ' }).host).toBe(STORE_SETTINGS.host.fallback);
  });
});

describe("a registered platform's variables", () => {
  it('join the table after the store settings, its secret first', () => {
    const rows = configTable([toy]).map((row) => row.variable);
    const at = rows.indexOf('CR_TOYSHOP_SECRET');
    expect(rows.slice(at, at + 3)).toEqual([
      'CR_TOYSHOP_SECRET',
      'CR_TOYSHOP_API_KEY',
      'CR_TOYSHOP_REGION',
    ]);
    expect(configTable([]).map((row) => row.variable)).not.toContain('CR_TOYSHOP_SECRET');
    const secrets = configTable([toy]).filter((row) => row.variable.startsWith('CR_TOYSHOP'));
    // On AWS the secrets sit in the stack's one JSON secret (secret-fields.ts); any other
    // setting is a `-c` key the stack passes on as given.
    expect(secrets.map((row) => [row.secret, row.aws])).toEqual([
      [true, { kind: 'secret', field: 'toyshop' }],
      [true, { kind: 'secret', field: 'toyshop_api_key' }],
      [false, { kind: 'context', key: 'toyshopRegion' }],
    ]);
  });

  it('are read by parseConfig, trimmed, unset when blank', () => {
    const config = parseConfig({ CR_TOYSHOP_SECRET: ' tss_1, tss_0 ', CR_TOYSHOP_REGION: '' }, [
      toy,
    ]);
    expect(config.platformSecrets).toEqual({ toyshop: ['tss_1', 'tss_0'] });
    expect(config.platformSettings).toEqual({
      toyshop: { CR_TOYSHOP_API_KEY: undefined, CR_TOYSHOP_REGION: undefined },
    });
    expect(parseConfig({ CR_TOYSHOP_SECRET: 'x' }, []).platformSecrets).toEqual({});
  });

  it("are in the README's table, with their docs and route", () => {
    const { settings, awsOnly } = configRows([toy]);
    const docs = configDocs(settings, awsOnly);
    expect(docs).toContain(
      "| `CR_TOYSHOP_SECRET` | unset (route answers 404) | Toyshop webhook secret(s), comma-separated (each verifies, for rotation); opens `POST /webhooks/toyshop` | field `toyshop` of the stack's secret |",
    );
    expect(docs).toContain(
      '| `CR_TOYSHOP_REGION` | unset | the Toyshop region, `eu` or `us` | `-c toyshopRegion=...`, passed as given |',
    );
  });
});

describe('one-line problems', () => {
  it('name the variable of every row that refuses a value, and say what is wrong', () => {
    const bad = { CR_SQLITE_SYNC: 'sometimes', CR_LOG_LEVEL: 'loud', CR_METRICS_TOKEN: 'short' };
    let problems: readonly string[] = [];
    try {
      parseConfig(bad);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).toEqual([
      'CR_LOG_LEVEL: "loud" must be one of trace, debug, info, warn, error, fatal, silent',
      'CR_METRICS_TOKEN: must be 16 to 256 printable characters with no spaces (e.g. openssl rand -hex 24)',
      'CR_SQLITE_SYNC: "sometimes" must be one of OFF, NORMAL, FULL, EXTRA',
    ]);
    expect(problems.every((line) => !line.includes('\n'))).toBe(true);
  });
});
