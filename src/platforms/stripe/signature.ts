/**
 * `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]` as Stripe documents it:
 * each v1 is HMAC-SHA256(endpoint secret, "<t>.<raw body>"), and a delivery whose t is more than
 * 300 s from now is refused, so a captured request cannot be replayed later. Stripe sends one v1
 * per active endpoint secret while a secret is being rolled; we hold several secrets for the same
 * reason, so any v1 matching any secret passes. v0 (test-mode legacy scheme) is never trusted.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PlatformDelivery, PlatformVerdict } from '../platform.ts';

export const STRIPE_TOLERANCE_SECONDS = 300;
const HEADER = 'stripe-signature';
const PATH = '(headers).stripe-signature';

export function signStripePayload(
  secret: string,
  body: string | Uint8Array,
  unixSeconds: number,
): string {
  return `t=${unixSeconds},v1=${stripeMac(secret, String(unixSeconds), body).toString('hex')}`;
}

function stripeMac(secret: string, t: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest();
}

/** t and every v1 of the header; unknown schemes (v0, future ones) are left out. */
function parseHeader(header: string): { t: string | undefined; v1: string[] } {
  let t: string | undefined;
  const v1: string[] = [];
  for (const piece of header.split(',')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim();
    const value = piece.slice(eq + 1).trim();
    if (key === 't' && t === undefined) t = value;
    else if (key === 'v1') v1.push(value);
  }
  return { t, v1 };
}

const refuse = (problem: string): PlatformVerdict => ({
  ok: false,
  problem: { path: PATH, problem },
});

export function verifyStripeSignature(
  delivery: PlatformDelivery,
  secrets: readonly string[],
): PlatformVerdict {
  const header = delivery.header(HEADER);
  if (header === undefined || header.trim() === '') return refuse('is missing');
  const { t, v1 } = parseHeader(header);
  if (t === undefined || !/^\d{1,12}$/.test(t) || v1.length === 0) {
    return refuse('must look like t=<unix seconds>,v1=<hex HMAC-SHA256>');
  }
  if (Math.abs(delivery.receivedAt / 1000 - Number(t)) > STRIPE_TOLERANCE_SECONDS) {
    return refuse(
      `its timestamp is more than ${STRIPE_TOLERANCE_SECONDS} s from the server's time`,
    );
  }
  const given = v1
    .filter((hex) => /^[0-9a-f]{64}$/i.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  // Every secret against every v1, without stopping early: the time taken says nothing about
  // which secret or which signature came close.
  let matched = false;
  for (const secret of secrets) {
    const expected = stripeMac(secret, t, delivery.body);
    for (const candidate of given) matched = timingSafeEqual(candidate, expected) || matched;
  }
  return matched ? { ok: true } : refuse('does not match the body for any configured secret');
}
