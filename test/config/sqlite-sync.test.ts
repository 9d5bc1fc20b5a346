/**
 * CR_SQLITE_SYNC travels from the environment through parseConfig to the local runtime's
 * database as a checked option: no adapter reads the environment (issue 17).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/app/config.ts';
import { openTestRuntime } from '../support/runtime.ts';

describe('CR_SQLITE_SYNC', () => {
  it("is FULL by default and reaches serve's database as its PRAGMA synchronous", async () => {
    expect(parseConfig({}).sqliteSync).toBe('FULL');
    const full = openTestRuntime();
    const off = openTestRuntime({ CR_SQLITE_SYNC: 'off' });
    try {
      expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
      expect(off.db.pragma('synchronous', { simple: true })).toBe(0);
    } finally {
      await full.shutdown();
      await off.shutdown();
    }
  });

  it('refuses anything but OFF, NORMAL, FULL or EXTRA in one line naming it', () => {
    expect(parseConfig({ CR_SQLITE_SYNC: 'Normal' }).sqliteSync).toBe('NORMAL');
    let caught: unknown;
    try {
      parseConfig({ CR_SQLITE_SYNC: 'OFF; DROP TABLE carts' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'CR_SQLITE_SYNC: "OFF; DROP TABLE cart" must be one of OFF, NORMAL, FULL, EXTRA',
    ]);
  });
});
