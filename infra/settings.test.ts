import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsError, senderDomain, settingsFromContext } from './settings.ts';

const from = (context: Record<string, unknown>) => settingsFromContext((key) => context[key]);

describe('senderDomain', () => {
  it('takes the domain of a bare or named address, lower-cased', () => {
    expect(senderDomain('reminders@Shop.Example')).toBe('shop.example');
    expect(senderDomain('Demo Store <hi@mail.my-shop.co.uk>')).toBe('mail.my-shop.co.uk');
  });

  it('finds none where there is no address', () => {
    expect(senderDomain('Demo Store')).toBeNull();
    expect(senderDomain('a@localhost')).toBeNull();
    expect(senderDomain('<a@shop.example> trailing')).toBeNull();
  });
});

describe('settingsFromContext', () => {
  it('needs only an alarm address: everything else has a default', () => {
    const settings = from({ alarmTo: 'ops@shop.example' });
    expect(settings.prefix).toBe(DEFAULT_SETTINGS.prefix);
    expect(settings.from).toBe(DEFAULT_SETTINGS.from);
    expect(settings.sesIdentity).toBe('shop.example');
    expect(settings.publicUrl).toBeUndefined();
    expect(settings.shopify).toBe(false);
    expect(settings.policyEnv).toEqual({});
  });

  it('passes on only the policy values given, under the variable names the app reads', () => {
    const settings = from({
      cadence: '10m,2h',
      holdout: '10%',
      timezone: 'Europe/Paris',
      reportTo: 'sam@shop.example',
    });
    expect(settings.policyEnv).toEqual({
      CR_CADENCE: '10m,2h',
      CR_HOLDOUT: '10%',
      CR_TIMEZONE: 'Europe/Paris',
    });
  });

  it('accepts booleans from cdk.json as well as strings from -c', () => {
    const alarmTo = 'ops@shop.example';
    expect(from({ alarmTo, shopify: true }).shopify).toBe(true);
    expect(from({ alarmTo, shopify: 'false' }).shopify).toBe(false);
  });

  it('lets an explicit SES identity override the sender domain', () => {
    expect(
      from({ alarmTo: 'a@shop.example', sesIdentity: 'reminders@shop.example' }).sesIdentity,
    ).toBe('reminders@shop.example');
  });

  it('collects every bad value into one error', () => {
    let caught: unknown;
    try {
      from({ prefix: 'Bad_Prefix', timezone: 'Mars/Base', shopify: 'maybe', alarmTo: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SettingsError);
    const problems = (caught as SettingsError).problems.join('\n');
    expect(problems).toMatch(/prefix/);
    expect(problems).toMatch(/CR_TIMEZONE/);
    expect(problems).toMatch(/shopify/);
    expect(problems).toMatch(/alarmTo: "x" is not an email address/);
  });

  it('refuses a bad report-to address at synth, as the functions would at start-up', () => {
    expect(() => from({ alarmTo: 'ops@shop.example', reportTo: 'owner' })).toThrow(
      /CR_REPORT_TO: "owner" is not an email address/,
    );
  });
});
