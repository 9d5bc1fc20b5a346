/**
 * Links a reminder carries must lead to the store. Every reminder is the store's own branded
 * email, so a restore link, an item link or an item image on someone else's host turns it into a
 * phishing mail (or a tracking pixel) sent in the store's name. Any lane whose links a stranger
 * can write is held to the store's hosts: the storefront snippet always (CR_SNIPPET_ORIGINS), the
 * signed lanes when the owner lists CR_STORE_HOSTS.
 *
 * A host matches exactly, as the URL parser reads it (lower case, default port dropped, any other
 * port kept): a sibling subdomain is another site, and so is the same name on another port.
 */
import type { FieldProblem } from './field-problems.ts';

/** One allowed host, and whether plain http is allowed on it. */
export interface HostRule {
  /** As URL#host gives it: `shop.example`, `localhost:3000`, `[::1]:8080`. */
  readonly host: string;
  /** True only for an entry written as an http:// origin (a store on plain http, dev setups). */
  readonly allowHttp: boolean;
}

/** The fields of a cart that become links in a reminder (a CartSnapshot has them all). */
export interface LinkFields {
  readonly restoreUrl: string | null;
  readonly items: readonly {
    readonly url: string | null;
    readonly imageUrl: string | null;
  }[];
}

/**
 * An allow-list entry as an owner writes it: an origin (`https://shop.example`,
 * `http://localhost:3000`) or a bare host (`shop.example`, `cdn.shop.example:8443`), which allows
 * https only. Null when it is neither (a path, a query, credentials, a wildcard).
 */
export function parseHostRule(entry: string): HostRule | null {
  const text = entry.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username !== '' || url.password !== '' || url.host === '') return null;
  // Only scheme and authority: "https://shop.example/" is an origin, "…/cart" is not.
  const rest = withScheme.slice(withScheme.indexOf('//') + 2);
  if (/[/?#]/.test(rest.replace(/\/$/, '')) || rest.includes('*')) return null;
  return { host: url.host, allowHttp: url.protocol === 'http:' };
}

/** Every entry that parses, once per host (an http entry also allows https on that host). */
export function hostRules(entries: readonly string[]): HostRule[] {
  const byHost = new Map<string, HostRule>();
  for (const entry of entries) {
    const rule = parseHostRule(entry);
    if (rule === null) continue;
    const seen = byHost.get(rule.host);
    byHost.set(rule.host, { host: rule.host, allowHttp: rule.allowHttp || !!seen?.allowHttp });
  }
  return [...byHost.values()];
}

/**
 * Why one link is off the allowed hosts, or null when it is on them. The raw text is checked as
 * well as the parse: an email client is not a browser, and a backslash, a space or credentials
 * (`https://shop.example@evil.example/`) are where two URL parsers stop agreeing on the host.
 */
export function linkProblem(raw: string, rules: readonly HostRule[]): string | null {
  const allowed = () => rules.map((r) => r.host).join(', ') || 'none';
  if (raw.includes('\\') || /\s/.test(raw) || hasControl(raw)) {
    return 'must not contain backslashes, spaces or control characters';
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password';
  const rule = rules.find((r) => r.host === url.host);
  if (rule === undefined) return `host ${url.host} is not one of the store's hosts (${allowed()})`;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && rule.allowHttp) return null;
  return `must be https on ${url.host}`;
}

function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * Every link of a cart that is off the allowed hosts, named the way a 400 names fields
 * (`cart.restoreUrl`, `cart.items[0].imageUrl`). Empty when all are on them (or there are none).
 * `allowed` takes the owner's entries as written (origins or bare hosts) or parsed rules.
 */
export function linksOffHosts(
  cart: LinkFields,
  allowed: readonly string[] | readonly HostRule[],
  at = 'cart',
): FieldProblem[] {
  const rules = allowed.map((entry) => (typeof entry === 'string' ? parseHostRule(entry) : entry));
  const usable = rules.filter((rule): rule is HostRule => rule !== null);
  const problems: FieldProblem[] = [];
  const check = (path: string, raw: string | null) => {
    if (raw === null) return;
    const problem = linkProblem(raw, usable);
    if (problem !== null) problems.push({ path, problem });
  };
  check(`${at}.restoreUrl`, cart.restoreUrl);
  cart.items.forEach((item, index) => {
    check(`${at}.items[${index}].url`, item.url);
    check(`${at}.items[${index}].imageUrl`, item.imageUrl);
  });
  return problems;
}
