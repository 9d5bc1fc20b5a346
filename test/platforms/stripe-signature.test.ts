import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { PlatformDelivery } from '../../src/platforms/platform.ts';
import { signStripePayload, verifyStripeSignature } from '../../src/platforms/stripe/signature.ts';

const SECRET = 'whsec_test_4kP9sQ2mV7xR1tY8';
const OLD = 'whsec_test_old_0aB3cD6eF9gH';
const BODY = '{"id":"evt_1","type":"checkout.session.expired"}';
const NOW = Date.parse('2026-11-23T13:00:00Z');
const T = NOW / 1000;

function delivery(header: string | undefined, body = BODY, receivedAt = NOW): PlatformDelivery {
  return {
    body: new TextEncoder().encode(body),
    header: (name) => (name.toLowerCase() === 'stripe-signature' ? header : undefined),
    receivedAt,
    json: () => JSON.parse(body),
  };
}
const hex = (secret: string, t: number, body = BODY) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

describe('Stripe-Signature', () => {
  it('accepts HMAC-SHA256 of "<t>.<raw body>" as Stripe computes it', () => {
    expect(verifyStripeSignature(delivery(`t=${T},v1=${hex(SECRET, T)}`), [SECRET])).toEqual({
      ok: true,
    });
    expect(signStripePayload(SECRET, BODY, T)).toBe(`t=${T},v1=${hex(SECRET, T)}`);
  });

  it('accepts any of several v1 values and any configured secret (rotation), ignoring v0', () => {
    const header = `t=${T},v1=${hex(OLD, T)},v1=${hex('whsec_other', T)},v0=${'0'.repeat(64)}`;
    expect(verifyStripeSignature(delivery(header), [SECRET, OLD]).ok).toBe(true);
    expect(verifyStripeSignature(delivery(header), [SECRET]).ok).toBe(false);
  });

  it('refuses a body changed after signing, naming the header', () => {
    const verdict = verifyStripeSignature(
      delivery(`t=${T},v1=${hex(SECRET, T)}`, BODY.replace('expired', 'completed')),
      [SECRET],
    );
    expect(verdict).toEqual({
      ok: false,
      problem: {
        path: '(headers).stripe-signature',
        problem: 'does not match the body for any configured secret',
      },
    });
  });

  it('refuses a signature whose t is more than 300 s from the arrival time, either way', () => {
    for (const t of [T - 301, T + 301]) {
      const verdict = verifyStripeSignature(delivery(`t=${t},v1=${hex(SECRET, t)}`), [SECRET]);
      expect(verdict.ok).toBe(false);
    }
    for (const t of [T - 300, T + 300]) {
      expect(verifyStripeSignature(delivery(`t=${t},v1=${hex(SECRET, t)}`), [SECRET]).ok).toBe(
        true,
      );
    }
  });

  it('refuses a v1 computed with another t than the header claims (no moving the window)', () => {
    const header = `t=${T},v1=${hex(SECRET, T - 3600)}`;
    expect(verifyStripeSignature(delivery(header), [SECRET]).ok).toBe(false);
  });

  it('refuses a missing or malformed header', () => {
    for (const header of [
      undefined,
      '',
      `v1=${hex(SECRET, T)}`,
      `t=${T}`,
      `t=soon,v1=${hex(SECRET, T)}`,
      `t=${T},v1=zz`,
    ]) {
      expect(verifyStripeSignature(delivery(header), [SECRET]).ok).toBe(false);
    }
  });
});
