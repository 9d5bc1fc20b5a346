import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';

const H = 3_600_000;

describe('parseConfig defaults (SPEC section 6)', () => {
  const config = parseConfig({});

  it('listens on 127.0.0.1:8787 with links to http://localhost:8787', () => {
    expect(config).toMatchObject({
      port: 8787,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:8787',
      dataDir: './data',
    });
  });

  it('has the default recovery policy', () => {
    expect(config.policy).toEqual({
      cadenceMs: [1 * H, 24 * H, 72 * H],
      giveUpAfterMs: 7 * 24 * H,
      quietHours: { startMinute: 21 * 60, endMinute: 8 * 60 },
      storeTimeZone: 'UTC',
      frequencyCapMs: 20 * H,
      requireConsent: false,
      holdoutShare: 0,
      recoveryWindowMs: 7 * 24 * H,
      boughtGraceMs: 24 * H,
      retainCartsMs: 90 * 24 * H,
    });
  });

  it('reads CR_RETAIN_CARTS as a duration or off, and refuses one shorter than the purchase guard reads', () => {
    expect(parseConfig({ CR_RETAIN_CARTS: '30d' }).policy.retainCartsMs).toBe(30 * 24 * H);
    expect(parseConfig({ CR_RETAIN_CARTS: 'off' }).policy.retainCartsMs).toBeNull();
    expect(parseConfig({ CR_RETAIN_CARTS: 'OFF' }).policy.retainCartsMs).toBeNull();
    expect(() => parseConfig({ CR_RETAIN_CARTS: 'forever' })).toThrow(/CR_RETAIN_CARTS/);
    // Give-up 7d plus grace 24h is 8d: a 7d retention would drop purchases the guard still reads.
    expect(() => parseConfig({ CR_RETAIN_CARTS: '7d' })).toThrow(
      /CR_RETAIN_CARTS must be at least CR_GIVE_UP_AFTER plus CR_BOUGHT_GRACE/,
    );
    expect(parseConfig({ CR_RETAIN_CARTS: '8d' }).policy.retainCartsMs).toBe(8 * 24 * H);
  });

  it('takes CR_FROM as one mailbox, and refuses two addresses or a hidden line break', () => {
    expect(parseConfig({ CR_FROM: 'Linen & Co <hello@linen.example>' }).from).toBe(
      'Linen & Co <hello@linen.example>',
    );
    expect(parseConfig({ CR_FROM: 'hello@linen.example' }).from).toBe('hello@linen.example');
    for (const bad of [
      'a@shop.example, b@evil.example',
      'Shop <a@shop.example> <b@evil.example>',
      'Shop\u2028Bcc: x@evil.example <a@shop.example>',
      'Shop, Inc <a@shop.example>',
      'not an address',
    ]) {
      expect(() => parseConfig({ CR_FROM: bad }), bad).toThrow(/CR_FROM/);
    }
  });

  it('refuses owner tokens with spaces, and the same token or name twice', () => {
    expect(() => parseConfig({ CR_OWNERS: 'sam:token with spaces 123' })).toThrow(/no spaces/);
    expect(() =>
      parseConfig({ CR_OWNERS: 'sam:own_0123456789abcdef,alex:own_0123456789abcdef' }),
    ).toThrow(/same token/);
    expect(() =>
      parseConfig({ CR_OWNERS: 'sam:own_0123456789abcdef,sam:own_fedcba9876543210' }),
    ).toThrow(/given twice/);
    expect(() => parseConfig({ CR_OWNERS: 'shopper:own_0123456789abcdef' })).toThrow(
      /keeps for itself/,
    );
    expect(() => parseConfig({ CR_OWNERS: 'system:own_0123456789abcdef' })).toThrow(
      /keeps for itself/,
    );
  });

  it('reads CR_STORE_HOSTS as hosts or origins, and names a bad entry', () => {
    expect(parseConfig({}).storeHosts).toEqual([]);
    expect(
      parseConfig({ CR_STORE_HOSTS: 'shop.example, https://cdn.shop.example' }).storeHosts,
    ).toEqual(['shop.example', 'https://cdn.shop.example']);
    expect(() => parseConfig({ CR_STORE_HOSTS: 'shop.example/cart' })).toThrow(/CR_STORE_HOSTS/);
    expect(() => parseConfig({ CR_STORE_HOSTS: '*.shop.example' })).toThrow(/CR_STORE_HOSTS/);
  });

  it('refuses a CR_REPORT_TO entry that is not an address', () => {
    expect(() => parseConfig({ CR_REPORT_TO: 'sam@shop.example, nope' })).toThrow(/CR_REPORT_TO/);
  });

  it('reads CR_BOUGHT_GRACE, the purchase guard window, and names it when it is bad', () => {
    expect(parseConfig({ CR_BOUGHT_GRACE: '36h' }).policy.boughtGraceMs).toBe(36 * H);
    expect(parseConfig({ CR_BOUGHT_GRACE: '30m' }).policy.boughtGraceMs).toBe(H / 2);
    expect(() => parseConfig({ CR_BOUGHT_GRACE: 'a while' })).toThrow(/CR_BOUGHT_GRACE/);
  });

  it('writes mail to the outbox and generates secrets and owners', () => {
    expect(config.mail).toEqual({ kind: 'outbox' });
    expect(config.webhookSecret).toBeUndefined();
    expect(config.owners).toBeUndefined();
    expect(config.shopifySecret).toBeUndefined();
    expect(config.reportTo).toEqual([]);
  });

  it('has no store URL, so a dead cart link offers no link rather than a guessed one', () => {
    expect(config.storeUrl).toBeUndefined();
  });

  it('treats blank variables as unset', () => {
    expect(parseConfig({ CR_PORT: '  ', CR_CADENCE: '', CR_HOLDOUT: ' ' }).policy).toEqual(
      config.policy,
    );
  });
});

describe('parseConfig values', () => {
  it('takes seconds, for demos and tests', () => {
    const config = parseConfig({ CR_CADENCE: '2s,4s', CR_GIVE_UP_AFTER: '10s' });
    expect(config.policy.cadenceMs).toEqual([2000, 4000]);
    expect(config.policy.giveUpAfterMs).toBe(10_000);
  });

  it('turns quiet hours and the frequency cap off', () => {
    const config = parseConfig({ CR_FREQUENCY_CAP: 'off', CR_QUIET_HOURS: 'off' });
    expect(config.policy.frequencyCapMs).toBeNull();
    expect(config.policy.quietHours).toBeNull();
    expect(parseConfig({ CR_FREQUENCY_CAP: 'OFF', CR_QUIET_HOURS: 'Off' }).policy).toMatchObject({
      frequencyCapMs: null,
      quietHours: null,
    });
  });

  it('reads every other setting', () => {
    const config = parseConfig({
      CR_PORT: '9000',
      CR_HOST: '0.0.0.0',
      CR_PUBLIC_URL: 'https://recover.shop.example/',
      CR_DATA_DIR: '/var/lib/cr',
      CR_TIMEZONE: 'Europe/Paris',
      CR_QUIET_HOURS: '22:30-07:15',
      CR_FREQUENCY_CAP: '12h',
      CR_REQUIRE_CONSENT: 'true',
      CR_HOLDOUT: '10%',
      CR_MAIL: 'smtp://user:pass@mail.example:587',
      CR_OWNERS: 'sam:0123456789abcdef,alex:fedcba9876543210',
      CR_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      CR_REPORT_TO: 'sam@example.com, alex@example.com',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      publicUrl: 'https://recover.shop.example',
      dataDir: '/var/lib/cr',
      mail: { kind: 'smtp', url: 'smtp://user:pass@mail.example:587' },
      owners: [
        { name: 'sam', token: '0123456789abcdef' },
        { name: 'alex', token: 'fedcba9876543210' },
      ],
      webhookSecret: 'whsec_0123456789abcdef',
      reportTo: ['sam@example.com', 'alex@example.com'],
      policy: {
        storeTimeZone: 'Europe/Paris',
        quietHours: { startMinute: 22 * 60 + 30, endMinute: 7 * 60 + 15 },
        frequencyCapMs: 12 * H,
        requireConsent: true,
        holdoutShare: 0.1,
      },
    });
  });

  it('reads CR_STORE_URL, the shop a dead cart link sends the shopper to', () => {
    expect(parseConfig({ CR_STORE_URL: ' https://shop.example/en ' }).storeUrl).toBe(
      'https://shop.example/en',
    );
    expect(parseConfig({ CR_STORE_URL: 'http://localhost:3000' }).storeUrl).toBe(
      'http://localhost:3000',
    );
  });

  it('follows the port in the default public URL', () => {
    expect(parseConfig({ CR_PORT: '9000' }).publicUrl).toBe('http://localhost:9000');
  });

  it.each([
    ['0%', 0],
    ['10%', 0.1],
    ['100%', 1],
    ['0.25', 0.25],
  ])('reads CR_HOLDOUT=%s as %d', (text, share) => {
    expect(parseConfig({ CR_HOLDOUT: text }).policy.holdoutShare).toBe(share);
  });
});

describe('the public lanes (CR_SNIPPET_DAILY_CAP, CR_TRUST_PROXY)', () => {
  it('caps the snippet lane at 200 new addresses a day and trusts no proxy by default', () => {
    const config = parseConfig({});
    expect(config.snippetDailyCap).toBe(200);
    expect(config.trustProxy).toEqual([]);
  });

  it('reads a cap (0 allowed: the lane records carts and mails no new address) and proxy ranges', () => {
    const config = parseConfig({
      CR_SNIPPET_DAILY_CAP: '0',
      CR_TRUST_PROXY: '10.0.0.1, fd00::/8',
    });
    expect(config.snippetDailyCap).toBe(0);
    expect(config.trustProxy).toEqual([
      { ip: { version: 4, bytes: [10, 0, 0, 1] }, prefix: 32 },
      { ip: { version: 6, bytes: [0xfd, ...Array(15).fill(0)] }, prefix: 8 },
    ]);
    expect(parseConfig({ CR_SNIPPET_DAILY_CAP: '5000' }).snippetDailyCap).toBe(5000);
  });
});
