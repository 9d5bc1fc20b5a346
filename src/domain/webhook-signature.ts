/**
 * `X-CR-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (SPEC section 1).
 * The timestamp is inside the MAC, so a captured request cannot be replayed outside the window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const REPLAY_WINDOW_SECONDS = 300;

export type SignatureCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: string };

export function signWebhook(
  secret: string,
  rawBody: string | Uint8Array,
  unixSeconds: number,
): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.`).update(rawBody).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: Uint8Array,
  nowMs: number,
): SignatureCheck {
  if (header === undefined || header === '') {
    return { ok: false, problem: 'missing X-CR-Signature header' };
  }
  const parts = new Map<string, string[]>();
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim();
    parts.set(key, [...(parts.get(key) ?? []), piece.slice(eq + 1).trim()]);
  }
  const t = parts.get('t')?.[0];
  const candidates = parts.get('v1') ?? [];
  if (t === undefined || !/^\d{1,12}$/.test(t) || candidates.length === 0) {
    return { ok: false, problem: 'X-CR-Signature must look like t=<unix seconds>,v1=<hex>' };
  }
  if (Math.abs(nowMs / 1000 - Number(t)) > REPLAY_WINDOW_SECONDS) {
    return {
      ok: false,
      problem: `signature timestamp is more than ${REPLAY_WINDOW_SECONDS}s from now`,
    };
  }
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  // Several v1 values are allowed so a secret can be rotated without downtime.
  const matches = candidates.some((hex) => {
    if (!/^[0-9a-f]{64}$/i.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected);
  });
  return matches ? { ok: true } : { ok: false, problem: 'signature does not match' };
}
