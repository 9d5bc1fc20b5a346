/**
 * Who is asking, for per-client limits. The address is the connection's peer, never a header a
 * client can write, unless the peer is a proxy the owner named (CR_TRUST_PROXY): then it is the
 * nearest address that proxy chain saw, read right to left out of X-Forwarded-For (the left end
 * is whatever the client sent, so it is believed only once every hop to its right is trusted).
 *
 * Limits count per IPv4 address but per IPv6 /64: one home or phone network gets a whole /64,
 * and handing out a fresh address per request from it costs an attacker nothing.
 */

export interface Ip {
  readonly version: 4 | 6;
  /** 4 or 16 bytes, network order. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is version 4. */
  readonly bytes: readonly number[];
}

export interface Cidr {
  readonly ip: Ip;
  readonly prefix: number;
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | null {
  let groupsText = text;
  let tail: number[] = [];
  if (text.includes('.')) {
    // An IPv4 tail (::ffff:192.0.2.1) stands for the last two groups.
    const cut = text.lastIndexOf(':');
    const v4 = parseIpv4(text.slice(cut + 1));
    if (v4 === null) return null;
    tail = v4;
    groupsText = text.slice(0, cut + 1);
    if (!groupsText.endsWith('::')) groupsText = groupsText.slice(0, -1);
  }
  const wanted = tail.length > 0 ? 6 : 8;
  const halves = groupsText.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const given = left.length + right.length;
  if (halves.length === 1 ? given !== wanted : given > wanted - 1) return null;
  const groups = [...left, ...Array<string>(wanted - given).fill('0'), ...right];
  const bytes: number[] = [];
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return null;
    const value = Number.parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  return [...bytes, ...tail];
}

/** An IPv4 or IPv6 address as written by Node, Lambda or a proxy; null when it is not one. */
export function parseIp(raw: string): Ip | null {
  let text = raw.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end < 0) return null;
    text = text.slice(1, end);
  }
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!text.includes(':')) {
    const v4 = parseIpv4(text);
    return v4 === null ? null : { version: 4, bytes: v4 };
  }
  const v6 = parseIpv6(text);
  if (v6 === null) return null;
  const mapped = v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 };
}

/** `10.0.0.0/8`, `fd00::/8`, or one address (a /32 or /128). Null when it is neither. */
export function parseCidr(raw: string): Cidr | null {
  const [address = '', length, extra] = raw.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseIp(address);
  if (ip === null) return null;
  const max = ip.version === 4 ? 32 : 128;
  if (length === undefined) return { ip, prefix: max };
  if (!/^\d{1,3}$/.test(length)) return null;
  const prefix = Number(length);
  // A mapped address was written as IPv6: its prefix counts the 96 bits in front of the IPv4 part.
  const mappedPrefix = ip.version === 4 && address.includes(':') ? prefix - 96 : prefix;
  if (mappedPrefix < 0 || mappedPrefix > max) return null;
  return { ip, prefix: mappedPrefix };
}

export function inCidr(ip: Ip, cidr: Cidr): boolean {
  if (ip.version !== cidr.ip.version) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip.bytes[i] ?? 0) & mask) !== ((cidr.ip.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

/** The canonical text of an address: dotted IPv4, or RFC 5952 IPv6 (lower case, longest :: run). */
export function formatIp(ip: Ip): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] ?? 0) << 8) | (ip.bytes[i + 1] ?? 0));
  let best = { at: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i > 1) best = { at: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  const left = hex.slice(0, best.at).join(':');
  const right = hex.slice(best.at + best.length).join(':');
  return `${left}::${right}`;
}

/**
 * The client as the server should believe it: `peer` itself unless it is a trusted proxy; then
 * the rightmost X-Forwarded-For entry that is not a trusted proxy (or the leftmost, when every one
 * is). An entry that is not an address ends the walk at the hop that wrote it: that hop is the
 * nearest one known, so it is the client. Returns canonical text; an unparsable peer as given.
 */
export function forwardedClient(
  peer: string,
  forwardedFor: string | undefined,
  trusted: readonly Cidr[],
): string {
  const peerIp = parseIp(peer);
  if (peerIp === null) return peer;
  const isTrusted = (ip: Ip) => trusted.some((cidr) => inCidr(ip, cidr));
  let client = peerIp;
  if (isTrusted(peerIp) && forwardedFor !== undefined) {
    const hops = forwardedFor.split(',').map((hop) => hop.trim());
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = parseIp(hops[i] ?? '');
      if (hop === null) break;
      client = hop;
      if (!isTrusted(hop)) break;
    }
  }
  return formatIp(client);
}

/**
 * The key per-client limits count under: an IPv4 address, or the /64 an IPv6 address is in
 * (`2001:db8:1:2::/64`). Text that is not an address is its own key.
 */
export function clientKey(address: string): string {
  const ip = parseIp(address);
  if (ip === null) return address;
  if (ip.version === 4) return formatIp(ip);
  const network: Ip = { version: 6, bytes: [...ip.bytes.slice(0, 8), 0, 0, 0, 0, 0, 0, 0, 0] };
  return `${formatIp(network)}/64`;
}
