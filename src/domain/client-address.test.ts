import { BlockList, isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Cidr,
  clientKey,
  formatIp,
  forwardedClient,
  inCidr,
  parseCidr,
  parseIp,
} from './client-address.ts';

const cidrs = (...texts: string[]): Cidr[] =>
  texts.map((t) => {
    const cidr = parseCidr(t);
    if (cidr === null) throw new Error(`bad test CIDR ${t}`);
    return cidr;
  });

describe('parseIp and formatIp', () => {
  it('reads IPv4, IPv6, brackets, zones and IPv4-mapped addresses', () => {
    expect(parseIp('203.0.113.7')).toEqual({ version: 4, bytes: [203, 0, 113, 7] });
    expect(parseIp('::ffff:203.0.113.7')).toEqual({ version: 4, bytes: [203, 0, 113, 7] });
    expect(parseIp('::FFFF:cb00:7107')).toEqual({ version: 4, bytes: [203, 0, 113, 7] });
    expect(formatIp(parseIp('[2001:DB8::1]') as never)).toBe('2001:db8::1');
    expect(formatIp(parseIp('fe80::1%eth0') as never)).toBe('fe80::1');
    expect(formatIp(parseIp('2001:db8:0:0:1:0:0:1') as never)).toBe('2001:db8::1:0:0:1');
    expect(formatIp(parseIp('::') as never)).toBe('::');
  });

  it('refuses what is not an address, leading zeros included (octal to some parsers)', () => {
    for (const bad of [
      '',
      'unknown',
      '1.2.3',
      '1.2.3.4.5',
      '256.1.1.1',
      '010.0.0.1',
      '1::2::3',
      'g::1',
      '1:2:3:4:5:6:7:8:9',
      '12345::',
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it('agrees with Node on which texts are addresses, and with the URL parser on IPv6 text', () => {
    const hex = fc.stringMatching(/^[0-9a-fA-F]{1,4}$/);
    const v6 = fc.oneof(
      fc.ipV6(),
      fc.array(hex, { minLength: 1, maxLength: 9 }).map((g) => g.join(':')),
      fc
        .tuple(fc.array(hex, { maxLength: 4 }), fc.array(hex, { maxLength: 4 }))
        .map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
    );
    const text = fc.oneof(fc.ipV4(), fc.ipV4Extended(), v6, fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(text, (raw) => {
        const ip = parseIp(raw);
        // Node takes the same texts (its IPv4 is strict dotted decimal too).
        expect(ip !== null, raw).toBe(isIP(raw) !== 0);
        if (ip === null || !raw.includes(':')) return;
        const viaUrl = new URL(`http://[${raw}]/`).hostname.slice(1, -1);
        if (ip.version === 6) expect(formatIp(ip)).toBe(viaUrl);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseCidr and inCidr', () => {
  it('reads ranges and single addresses, and refuses nonsense', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({
      ip: { version: 4, bytes: [10, 0, 0, 0] },
      prefix: 8,
    });
    expect(parseCidr('::1')?.prefix).toBe(128);
    expect(parseCidr('::ffff:10.0.0.0/104')).toEqual({
      ip: { version: 4, bytes: [10, 0, 0, 0] },
      prefix: 8,
    });
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/8/1', 'proxy', '10.0.0.0/x', '']) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });

  it('matches as Node BlockList does', () => {
    const v4 = fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV4());
    const v6 = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }), fc.ipV6());
    fc.assert(
      fc.property(fc.oneof(v4, v6), ([net, prefix, addr]) => {
        const cidr = parseCidr(`${net}/${prefix}`);
        const ip = parseIp(addr);
        if (cidr === null || ip === null) throw new Error('generated address did not parse');
        if (cidr.ip.version !== ip.version) return;
        const family = ip.version === 4 ? 'ipv4' : 'ipv6';
        const list = new BlockList();
        list.addSubnet(formatIp(cidr.ip), cidr.prefix, family);
        expect(inCidr(ip, cidr)).toBe(list.check(formatIp(ip), family));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('forwardedClient', () => {
  const proxy = cidrs('10.0.0.0/8', 'fd00::/8');

  it('believes no header when the peer is not a trusted proxy', () => {
    expect(forwardedClient('203.0.113.7', '198.51.100.1', proxy)).toBe('203.0.113.7');
    expect(forwardedClient('203.0.113.7', '198.51.100.1', [])).toBe('203.0.113.7');
    expect(forwardedClient('::ffff:203.0.113.7', undefined, proxy)).toBe('203.0.113.7');
  });

  it("behind a trusted proxy, takes the nearest hop that is not a proxy, not the client's own claim", () => {
    // The client wrote "1.1.1.1"; its real address was appended by the proxy.
    expect(forwardedClient('10.0.0.2', '1.1.1.1, 198.51.100.9', proxy)).toBe('198.51.100.9');
    // Two proxies in a row.
    expect(forwardedClient('10.0.0.2', '198.51.100.9, 10.0.0.3', proxy)).toBe('198.51.100.9');
    // Every hop a proxy: the leftmost is the best we know.
    expect(forwardedClient('10.0.0.2', '10.0.0.5, 10.0.0.3', proxy)).toBe('10.0.0.5');
    // No header: the proxy itself.
    expect(forwardedClient('10.0.0.2', undefined, proxy)).toBe('10.0.0.2');
    // A hop that is not an address ends the walk at the proxy that wrote it.
    expect(forwardedClient('10.0.0.2', '198.51.100.9, garbage', proxy)).toBe('10.0.0.2');
    expect(forwardedClient('fd00::1', '2001:db8::7', proxy)).toBe('2001:db8::7');
  });

  it('returns an unparsable peer as given', () => {
    expect(forwardedClient('unknown', '198.51.100.9', proxy)).toBe('unknown');
  });
});

describe('clientKey', () => {
  it('is the IPv4 address, or the IPv6 /64', () => {
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8:1:2::1')).toBe(clientKey('2001:db8:1:2:ffff::9'));
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
    expect(clientKey('unknown')).toBe('unknown');
  });
});
