import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW_SECONDS, signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

const SECRET = 'whsec_test_0123456789abcdef';
const T = 1_795_000_000;
const NOW = T * 1000;
const body = '{"id":"evt_01","type":"cart.updated"}';
const bytes = (text: string) => new TextEncoder().encode(text);

function mac(secret: string, t: number | string, raw: string): string {
  return createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
}

describe('webhook signatures', () => {
  it('signs as t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    expect(signWebhook(SECRET, body, T)).toBe(`t=${T},v1=${mac(SECRET, T, body)}`);
    expect(signWebhook(SECRET, bytes(body), T)).toBe(signWebhook(SECRET, body, T));
  });

  it('verifies what it signs', () => {
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, body, T), bytes(body), NOW)).toEqual({
      ok: true,
    });
  });

  it('accepts upper-case hex and spaces after commas', () => {
    const header = `t=${T}, v1=${mac(SECRET, T, body).toUpperCase()}`;
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW).ok).toBe(true);
  });

  it('rejects a wrong secret', () => {
    const header = signWebhook('another-secret-value', body, T);
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW)).toEqual({
      ok: false,
      problem: 'signature does not match',
    });
  });

  it.each([
    ['one byte changed', body.replace('01', '02')],
    ['a byte appended', `${body} `],
    ['empty', ''],
  ])('rejects a body that was altered (%s)', (_what, altered) => {
    const header = signWebhook(SECRET, body, T);
    expect(verifyWebhookSignature(SECRET, header, bytes(altered), NOW).ok).toBe(false);
  });

  it('rejects a timestamp that was moved, even inside the window', () => {
    const header = `t=${T + 1},v1=${mac(SECRET, T, body)}`;
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW).ok).toBe(false);
  });

  it.each([
    ['in the past', -(REPLAY_WINDOW_SECONDS + 1) * 1000],
    ['in the future', (REPLAY_WINDOW_SECONDS + 1) * 1000],
    ['just past the boundary', (REPLAY_WINDOW_SECONDS * 1000 + 1) * -1],
    ['just before the boundary in the future', REPLAY_WINDOW_SECONDS * 1000 + 1],
    ['a day old', -86_400_000],
  ])('rejects t outside 300 s (%s)', (_what, offsetMs) => {
    const header = signWebhook(SECRET, body, T);
    // now = t - offset: a positive offset means the request claims a time after now.
    const result = verifyWebhookSignature(SECRET, header, bytes(body), NOW - offsetMs);
    expect(result).toEqual({ ok: false, problem: expect.stringContaining('300s') });
  });

  it.each([
    ['exactly 300 s old', REPLAY_WINDOW_SECONDS * 1000],
    ['exactly 300 s ahead', -REPLAY_WINDOW_SECONDS * 1000],
    ['299 s old', 299_000],
  ])('accepts t at the boundary (%s)', (_what, ageMs) => {
    const header = signWebhook(SECRET, body, T);
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW + ageMs).ok).toBe(true);
  });

  const good = mac(SECRET, T, body);
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['t not a number', `t=abc,v1=${good}`],
    ['t negative', `t=-${T},v1=${good}`],
    ['t fractional', `t=${T}.5,v1=${good}`],
    ['no t', `v1=${good}`],
    ['no v1', `t=${T}`],
    ['v1 empty', `t=${T},v1=`],
    ['v1 not hex', `t=${T},v1=${'z'.repeat(64)}`],
    ['v1 too short', `t=${T},v1=${good.slice(0, 62)}`],
    ['v1 too long', `t=${T},v1=${good}00`],
    ['v1 base64', `t=${T},v1=${Buffer.from(good, 'hex').toString('base64')}`],
    ['only v0', `t=${T},v0=${good}`],
    ['garbage', 'Bearer xyz'],
  ])('rejects a malformed header (%s)', (_what, header) => {
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW).ok).toBe(false);
  });

  it('accepts several v1 values when one matches (secret rotation)', () => {
    const header = `t=${T},v1=${mac('old-secret-0123456789', T, body)},v1=${good}`;
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW).ok).toBe(true);
    const reversed = `t=${T},v1=${good},v1=${mac('old-secret-0123456789', T, body)}`;
    expect(verifyWebhookSignature(SECRET, reversed, bytes(body), NOW).ok).toBe(true);
  });

  it('a malformed v1 beside a matching one does not spoil it, nor pass alone', () => {
    const header = `t=${T},v1=nothex,v1=${good}`;
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW).ok).toBe(true);
    expect(verifyWebhookSignature(SECRET, `t=${T},v1=nothex`, bytes(body), NOW).ok).toBe(false);
  });

  it('rejects when no v1 of several matches', () => {
    const header = `t=${T},v1=${mac('a-secret-xxxxxxxxxx', T, body)},v1=${mac('b-secret-xxxxxxxxxx', T, body)}`;
    expect(verifyWebhookSignature(SECRET, header, bytes(body), NOW).ok).toBe(false);
  });
});
