import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

/** The problems parseConfig refuses `env` with (failing the test when it accepts it). */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).name).toBe('ConfigError');
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig errors', () => {
  it('lists every bad value at once, each naming its variable', () => {
    const env = {
      CR_CADENCE: 'abc',
      CR_PORT: '99999',
      CR_TIMEZONE: 'Mars/Base',
      CR_QUIET_HOURS: '25:00-08:00',
      CR_HOLDOUT: '150%',
      CR_MAIL: 'ftp://x',
      CR_OWNERS: 'bad',
      CR_FREQUENCY_CAP: '0s',
    };
    const problems = problemsOf(env);
    for (const name of Object.keys(env)) {
      expect(
        problems.some((p) => p.startsWith(name)),
        `${name} in ${problems.join(' | ')}`,
      ).toBe(true);
    }
    // Nothing the operator did not set is blamed.
    expect(problems.filter((p) => !Object.keys(env).some((name) => p.startsWith(name)))).toEqual(
      [],
    );
  });

  it('puts every problem in the message', () => {
    try {
      parseConfig({ CR_PORT: 'x', CR_TIMEZONE: 'Nowhere' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/CR_PORT.*\n.*CR_TIMEZONE/s);
    }
  });

  it.each([
    ['CR_PORT', 'abc'],
    ['CR_PORT', '-1'],
    ['CR_PORT', '65536'],
    ['CR_PORT', '1e3'],
    ['CR_PORT', '80.5'],
    ['CR_PUBLIC_URL', 'ftp://shop.example'],
    ['CR_PUBLIC_URL', 'not a url'],
    ['CR_CADENCE', '24h,1h'],
    ['CR_CADENCE', '1h,,2h'],
    ['CR_GIVE_UP_AFTER', '1w'],
    ['CR_QUIET_HOURS', '21:00-21:00'],
    ['CR_QUIET_HOURS', '9pm-8am'],
    ['CR_FREQUENCY_CAP', 'never'],
    ['CR_REQUIRE_CONSENT', 'maybe'],
    ['CR_HOLDOUT', '-5%'],
    ['CR_HOLDOUT', '1.5'],
    ['CR_HOLDOUT', 'ten'],
    ['CR_MAIL', 'sendmail'],
    ['CR_OWNERS', 'sam:short'],
    ['CR_OWNERS', ':0123456789abcdef'],
    ['CR_OWNERS', 'sam smith:0123456789abcdef'],
    ['CR_WEBHOOK_SECRET', 'short'],
    ['CR_EXPORT_AT', '24:00'],
    ['CR_STORE_URL', 'shop.example'],
    ['CR_STORE_URL', 'javascript:alert(1)'],
    ['CR_STORE_URL', 'ftp://shop.example'],
  ])('rejects %s=%s', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith(name))).toBe(true);
  });

  it('rejects a give-up age that is not after the last step', () => {
    expect(problemsOf({ CR_CADENCE: '1h,24h', CR_GIVE_UP_AFTER: '24h' })).toEqual([
      'CR_GIVE_UP_AFTER must be later than the last CR_CADENCE step',
    ]);
  });

  it('names CR_STORE_URL and the bad value', () => {
    expect(problemsOf({ CR_STORE_URL: 'shop.example' })).toEqual([
      'CR_STORE_URL: "shop.example" is not an http(s) URL like https://shop.example',
    ]);
  });

  it('names CR_HOLDOUT and the bad value', () => {
    const [problem] = problemsOf({ CR_HOLDOUT: '150%' });
    expect(problem).toMatch(/^CR_HOLDOUT: "150%"/);
  });

  it('names CR_SNIPPET_DAILY_CAP and the bad value', () => {
    for (const bad of ['-1', 'lots', '2e2', '1.5']) {
      expect(problemsOf({ CR_SNIPPET_DAILY_CAP: bad })).toEqual([
        `CR_SNIPPET_DAILY_CAP: "${bad}" must be a whole number of new addresses a day, like 200 (0 mails none)`,
      ]);
    }
  });

  it('names CR_TRUST_PROXY and each entry that is not an address or range', () => {
    expect(problemsOf({ CR_TRUST_PROXY: '10.0.0.1, proxy.internal, 10.0.0.0/33' })).toEqual([
      'CR_TRUST_PROXY: "proxy.internal" is not an IP address or CIDR range like 10.0.0.1 or 10.0.0.0/8',
      'CR_TRUST_PROXY: "10.0.0.0/33" is not an IP address or CIDR range like 10.0.0.1 or 10.0.0.0/8',
    ]);
  });
});
