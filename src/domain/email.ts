/**
 * Email addresses are normalised once, at the edge (trimmed, lower-cased), so the unsubscribe
 * list, the frequency cap and the per-address lookups all compare the same string.
 */

export type NormaliseEmailResult =
  | { readonly ok: true; readonly email: string }
  | { readonly ok: false; readonly problem: string };

// Deliberately plain: one @, a dotted domain, no spaces, quotes, angle brackets or control
// characters. Anything that could smuggle a header (CR, LF) or a second recipient fails here.
const SHAPE =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

export function normaliseEmail(raw: string): NormaliseEmailResult {
  const trimmed = raw.trim();
  // The shape is checked before lower-casing: some non-ASCII letters lower-case into ASCII (the
  // Kelvin sign U+212A becomes "k"), which would turn one address into someone else's.
  const shaped = SHAPE.test(trimmed);
  const email = trimmed.toLowerCase();
  if (email.length > 254) return { ok: false, problem: 'is longer than 254 characters' };
  const [local = ''] = email.split('@');
  // A dot may only separate atoms of the local part (RFC 5322 dot-atom): ".sam@" and "sam.@" are
  // refused by mail servers, so they would only ever bounce.
  const dotAtEdge = local.startsWith('.') || local.endsWith('.');
  if (local.length > 64 || !shaped || email.includes('..') || dotAtEdge) {
    return { ok: false, problem: `"${raw.slice(0, 80)}" is not an email address` };
  }
  return { ok: true, email };
}
