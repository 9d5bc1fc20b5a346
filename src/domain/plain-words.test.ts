import { describe, expect, it } from 'vitest';
import { AuditAction, type StoredAuditEntry } from './audit.ts';
import { LetGoReason, StillShoppingReason, WaitReason } from './moves.ts';
import {
  cappingReminder,
  clockAt,
  isReasonCode,
  type ReasonCode,
  reasonWords,
  SendReason,
  spanWords,
} from './plain-words.ts';

const AT = Date.parse('2026-11-15T21:30:00Z');
const H = 3_600_000;
const CTX = { zone: 'UTC', at: AT } as const;

/** Every code and a piece of its sentence: a new code without a line here fails the last test. */
const EXPECTED: Record<ReasonCode, string> = {
  quiet_hours: 'quiet hours',
  frequency_cap: 'the same address had a reminder within the frequency-cap window',
  no_email: 'has not typed an email address yet',
  sender_health: 'every reminder is on hold',
  send_failed: 'the mail server could not take it',
  send_refused: 'the mail server refused it for good',
  claim_recovered: 'the process sending it stopped',
  bought: 'the cart was bought',
  closed: 'the cart was closed',
  unsubscribed: 'the address is unsubscribed',
  bounced: 'mail to this address bounced before',
  complained: 'marked a reminder as spam',
  no_consent: 'did not agree to reminders',
  active: 'still active on the cart',
  older_cart: 'has a newer open cart',
  holdout: 'in the holdout group',
  claimed: 'never sent twice',
  bought_elsewhere: 'bought since, on another cart',
  nothing_to_recover: 'nothing to bring back',
  snippet_daily_cap: 'CR_SNIPPET_DAILY_CAP',
  all_steps_sent: 'every reminder step was sent',
  gave_up: 'older than the give-up age (CR_GIVE_UP_AFTER)',
};

describe('reasonWords', () => {
  it.each(Object.entries(EXPECTED))('%s reads as words', (code, words) => {
    expect(isReasonCode(code)).toBe(true);
    const text = reasonWords(code as ReasonCode, CTX);
    expect(text).toContain(words);
    // No code name leaks into the sentence (the variable names in brackets are fine).
    expect(text.replace(/\(CR_[A-Z_]+\)/g, '')).not.toContain(code.includes('_') ? code : '§');
  });

  it('has a sentence for every code the waiter and the send path write', () => {
    const all = [
      ...Object.values(StillShoppingReason),
      ...Object.values(WaitReason),
      ...Object.values(LetGoReason),
      ...Object.values(SendReason),
    ];
    expect(new Set(all)).toEqual(new Set(Object.keys(EXPECTED)));
  });

  it('says until when quiet hours hold, in the shopper’s zone with the store’s beside it', () => {
    const until = Date.parse('2026-11-16T07:00:00Z'); // 08:00 in Paris
    expect(
      reasonWords(WaitReason.quietHours, {
        zone: 'America/New_York',
        shopperZone: 'Europe/Paris',
        until,
        at: AT,
      }),
    ).toBe(
      'held until 08:00 on the 16th in the shopper’s time, Europe/Paris (02:00 on the 16th store time): quiet hours',
    );
  });

  it('says when quiet hours were decided in the store’s zone because the shopper’s is unknown', () => {
    const until = Date.parse('2026-11-16T08:00:00Z');
    expect(reasonWords(WaitReason.quietHours, { zone: 'UTC', until, at: AT })).toBe(
      'held until 08:00 on the 16th in the store’s time (the shopper’s zone is not known), UTC: quiet hours',
    );
  });

  it('names the reminder and the cart a frequency cap waited on', () => {
    expect(
      reasonWords(WaitReason.frequencyCap, {
        zone: 'UTC',
        at: AT,
        until: AT + 17 * H,
        cappedBy: { cartId: 'c_17', at: AT - 3 * H },
      }),
    ).toBe(
      'not sent: the same address was reminded 3 h ago about cart c_17; tried again at 14:30 on the 16th',
    );
  });

  it('gives a send failure’s error', () => {
    expect(reasonWords(SendReason.sendFailed, { ...CTX, error: 'connection reset' })).toBe(
      'not sent: the mail server could not take it (connection reset)',
    );
  });

  it('knows no code in free text an owner typed', () => {
    expect(isReasonCode('test order')).toBe(false);
    expect(isReasonCode(null)).toBe(false);
  });
});

describe('cappingReminder', () => {
  const row = (over: Partial<StoredAuditEntry>): StoredAuditEntry => ({
    id: '1',
    cartId: 'c_1',
    email: 'a@example.com',
    action: AuditAction.reminderSent,
    actor: 'system',
    at: AT,
    reason: null,
    detail: null,
    before: null,
    after: null,
    ...over,
  });

  it('is the newest reminder to the same address at or before the hold', () => {
    const held = row({ action: AuditAction.reminderHeld, reason: 'frequency_cap', at: AT });
    const rows = [
      row({ cartId: 'c_9', at: AT - 10 * H }),
      row({ cartId: 'c_17', at: AT - 3 * H }),
      row({ cartId: 'c_18', at: AT + H }),
      row({ cartId: 'c_19', at: AT - H, email: 'other@example.com' }),
      row({ cartId: 'c_20', at: AT - H, action: AuditAction.clicked }),
    ];
    expect(cappingReminder(held, rows)).toEqual({ cartId: 'c_17', at: AT - 3 * H });
    expect(cappingReminder(held, [])).toBeNull();
  });
});

describe('spans and clock times', () => {
  it.each([
    [40 * 60_000, '40 min'],
    [90 * 60_000, '90 min'],
    [3 * H, '3 h'],
    [47 * H, '47 h'],
    [72 * H, '3 days'],
  ])('%d ms is %s', (ms, text) => expect(spanWords(ms)).toBe(text));

  it('adds the day only when it is another day', () => {
    expect(clockAt(AT + H, 'UTC', AT)).toBe('22:30');
    expect(clockAt(AT + 3 * H, 'UTC', AT)).toBe('00:30 on the 16th');
  });
});
