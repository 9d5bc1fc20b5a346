import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostRules, type LinkFields, linksOffHosts, parseHostRule } from './store-hosts.ts';

const SHOP = ['https://shop.example'];

const cart = (over: Partial<LinkFields> = {}): LinkFields => ({
  restoreUrl: 'https://shop.example/cart/1',
  items: [{ url: 'https://shop.example/p/mug', imageUrl: 'https://shop.example/i/mug.jpg' }],
  ...over,
});

const paths = (problems: { path: string }[]) => problems.map((p) => p.path);

describe('parseHostRule', () => {
  it('reads origins and bare hosts; a bare host and an https origin allow https only', () => {
    expect(parseHostRule('https://shop.example')).toEqual({
      host: 'shop.example',
      allowHttp: false,
    });
    expect(parseHostRule('https://Shop.Example/')).toEqual({
      host: 'shop.example',
      allowHttp: false,
    });
    expect(parseHostRule('http://localhost:3000')).toEqual({
      host: 'localhost:3000',
      allowHttp: true,
    });
    expect(parseHostRule('cdn.shop.example')).toEqual({
      host: 'cdn.shop.example',
      allowHttp: false,
    });
    expect(parseHostRule('https://shop.example:443')).toEqual({
      host: 'shop.example',
      allowHttp: false,
    });
  });

  it('refuses what is not a host: paths, queries, credentials, wildcards, other schemes', () => {
    for (const bad of [
      'https://shop.example/cart',
      'https://shop.example?x=1',
      'https://user@shop.example',
      '*.shop.example',
      'ftp://shop.example',
      '',
      'https://',
    ]) {
      expect(parseHostRule(bad), bad).toBeNull();
    }
  });

  it('hostRules merges entries of one host, an http entry adding http', () => {
    expect(hostRules(['https://a.example', 'http://a.example', 'nonsense/path'])).toEqual([
      { host: 'a.example', allowHttp: true },
    ]);
  });
});

describe('linksOffHosts', () => {
  it('passes a cart whose links are all on the store, or that has none', () => {
    expect(linksOffHosts(cart(), SHOP)).toEqual([]);
    expect(
      linksOffHosts({ restoreUrl: null, items: [{ url: null, imageUrl: null }] }, SHOP),
    ).toEqual([]);
  });

  it('names every off-host link by its field, the way a 400 names it', () => {
    const problems = linksOffHosts(
      {
        restoreUrl: 'https://evil.example/login',
        items: [
          { url: 'https://shop.example/p/1', imageUrl: 'https://tracker.example/p.gif' },
          { url: 'https://evil.example/p/2', imageUrl: null },
        ],
      },
      SHOP,
    );
    expect(paths(problems)).toEqual([
      'cart.restoreUrl',
      'cart.items[0].imageUrl',
      'cart.items[1].url',
    ]);
    expect(problems[0]?.problem).toBe(
      "host evil.example is not one of the store's hosts (shop.example)",
    );
  });

  it('matches hosts exactly: no sibling, parent or child name, no other port', () => {
    for (const url of [
      'https://shop.example.evil.example/',
      'https://evilshop.example/',
      'https://www.shop.example/',
      'https://example/',
      'https://shop.example:8443/',
      'https://shop.example./',
    ]) {
      expect(paths(linksOffHosts(cart({ restoreUrl: url }), SHOP)), url).toEqual([
        'cart.restoreUrl',
      ]);
    }
    expect(linksOffHosts(cart({ restoreUrl: 'https://SHOP.example:443/x' }), SHOP)).toEqual([]);
  });

  it('wants https unless the allowed entry is an http origin', () => {
    const plain = cart({ restoreUrl: 'http://shop.example/cart/1' });
    expect(linksOffHosts(plain, SHOP)[0]?.problem).toBe('must be https on shop.example');
    expect(linksOffHosts(plain, ['http://shop.example'])).toEqual([]);
    expect(linksOffHosts(plain, ['shop.example'])).toHaveLength(1);
  });

  it('refuses the shapes where URL parsers disagree on the host', () => {
    for (const url of [
      'https://shop.example@evil.example/',
      'https://evil.example\\@shop.example/',
      'https://shop.example/ x',
      'https://user:pw@shop.example/',
      'javascript:alert(1)',
    ]) {
      expect(paths(linksOffHosts(cart({ restoreUrl: url }), SHOP)), url).toEqual([
        'cart.restoreUrl',
      ]);
    }
  });

  it('takes a prefix for the paths, and parsed rules as well as entries', () => {
    const problems = linksOffHosts(
      cart({ restoreUrl: 'https://evil.example/' }),
      [{ host: 'shop.example', allowHttp: false }],
      'snapshot',
    );
    expect(paths(problems)).toEqual(['snapshot.restoreUrl']);
  });

  it('with no usable allowed host, every link is off', () => {
    expect(paths(linksOffHosts(cart(), []))).toEqual([
      'cart.restoreUrl',
      'cart.items[0].url',
      'cart.items[0].imageUrl',
    ]);
  });

  it('never lets a link through whose parsed host is not allowed (any text)', () => {
    // Pieces chosen to sit near the edge: look-alike hosts, credentials, ports, odd separators.
    const piece = fc.constantFrom(
      'https://',
      'http://',
      'HTTPS://',
      '//',
      'shop.example',
      'Shop.Example',
      'evil.example',
      '@',
      ':',
      '443',
      '8443',
      '\\',
      '/',
      '.',
      '%2e',
      '?',
      '#',
      ' ',
      '\t',
      'xn--',
      '[::1]',
    );
    const text = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((a) => a.join('')),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(text, (raw) => {
        const accepted = linksOffHosts(cart({ restoreUrl: raw, items: [] }), SHOP).length === 0;
        if (!accepted) return;
        const url = new URL(raw);
        expect(url.host).toBe('shop.example');
        expect(url.protocol).toBe('https:');
        expect(url.username + url.password).toBe('');
      }),
      { numRuns: 1000 },
    );
  });
});
