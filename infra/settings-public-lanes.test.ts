import { describe, expect, it } from 'vitest';
import { SettingsError, settingsFromContext } from './settings.ts';

// alarmTo: the stack wants someone to hear of failures; beside the point here.
const from = (context: Record<string, unknown>) =>
  settingsFromContext((key) => ({ alarmTo: 'ops@shop.example', ...context })[key]);

describe('public-lane context (CR_SNIPPET_DAILY_CAP, CR_TRUST_PROXY)', () => {
  it('reaches every function as the variables the app reads', () => {
    expect(from({ snippetDailyCap: 50, trustProxy: '10.0.0.0/8' }).policyEnv).toEqual({
      CR_SNIPPET_DAILY_CAP: '50',
      CR_TRUST_PROXY: '10.0.0.0/8',
    });
  });

  it('stops the synth on a bad value, naming the variable', () => {
    expect(() => from({ snippetDailyCap: 'lots' })).toThrow(SettingsError);
    expect(() => from({ snippetDailyCap: 'lots' })).toThrow(/CR_SNIPPET_DAILY_CAP: "lots"/);
    expect(() => from({ trustProxy: 'proxy.internal' })).toThrow(
      /CR_TRUST_PROXY: "proxy.internal"/,
    );
  });
});
