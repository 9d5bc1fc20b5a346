import { describe, expect, it } from 'vitest';
import { SettingsError, settingsFromContext } from './settings.ts';

const from = (context: Record<string, unknown>) =>
  settingsFromContext((key) => ({ alarmTo: 'ops@shop.example', ...context })[key]);

describe('storeUrl context (CR_STORE_URL)', () => {
  it('reaches every function as CR_STORE_URL', () => {
    expect(from({ storeUrl: 'https://shop.example' }).policyEnv).toEqual({
      CR_STORE_URL: 'https://shop.example',
    });
  });

  it('stops the synth when it is not an http(s) URL, naming the variable', () => {
    expect(() => from({ storeUrl: 'shop.example' })).toThrow(SettingsError);
    expect(() => from({ storeUrl: 'shop.example' })).toThrow(/CR_STORE_URL: "shop.example"/);
  });
});
