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

export type ParseMailboxResult =
  | { readonly ok: true; readonly name: string | null; readonly email: string }
  | { readonly ok: false; readonly problem: string };

// A display name is one line of plain text: no control or line-separator characters, and none
// of the characters that would open a second address or a quoted part (<, >, ", comma, ;).
const BAD_NAME = /[\p{Cc}\p{Cf}\u2028\u2029<>",;]/u;

/**
 * One sender mailbox, as CR_FROM is written: `Store Name <reminders@shop.example>` or a bare
 * address. Exactly one address; anything that would put a second one (or a header break) in the
 * From line is refused.
 */
export function parseMailbox(text: string): ParseMailboxResult {
  const trimmed = text.trim();
  const bracket = /^([^<>]*)<([^<>]+)>$/.exec(trimmed);
  const name = bracket ? (bracket[1] ?? '').trim() : null;
  const address = bracket ? (bracket[2] ?? '') : trimmed;
  if (name !== null && BAD_NAME.test(name)) {
    return {
      ok: false,
      problem: 'the name may not hold control characters, line breaks, quotes, <, >, commas or ;',
    };
  }
  const email = normaliseEmail(address);
  if (!email.ok)
    return {
      ok: false,
      problem: `must be one address, like Store <a@b.example>: ${email.problem}`,
    };
  return { ok: true, name: name === '' ? null : name, email: email.email };
}
