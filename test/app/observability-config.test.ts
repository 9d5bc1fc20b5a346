import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/app/config.ts';

function problems(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('CR_LOG_LEVEL and CR_METRICS_TOKEN', () => {
  it('log level: info by default, any pino level by name in any case, else one clear problem', () => {
    expect(parseConfig({}).logLevel).toBe('info');
    expect(parseConfig({ CR_LOG_LEVEL: 'Debug' }).logLevel).toBe('debug');
    expect(parseConfig({ CR_LOG_LEVEL: 'silent' }).logLevel).toBe('silent');
    expect(problems({ CR_LOG_LEVEL: 'verbose' })).toEqual([
      'CR_LOG_LEVEL: "verbose" must be one of trace, debug, info, warn, error, fatal, silent',
    ]);
  });

  it('metrics token: unset by default; a short or spaced one is refused', () => {
    expect(parseConfig({}).metricsToken).toBeUndefined();
    expect(parseConfig({ CR_METRICS_TOKEN: 'metrics_token_0123456789' }).metricsToken).toBe(
      'metrics_token_0123456789',
    );
    expect(problems({ CR_METRICS_TOKEN: 'short' })).toHaveLength(1);
    expect(problems({ CR_METRICS_TOKEN: 'has a space in it 0123456789' })[0]).toMatch(
      /^CR_METRICS_TOKEN: must be 16 to 256 printable characters/,
    );
  });
});
