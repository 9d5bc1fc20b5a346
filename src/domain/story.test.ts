import { describe, expect, it } from 'vitest';
import { AuditAction, type StoredAuditEntry } from './audit.ts';
import type { Cart } from './cart.ts';
import { describeEntry, storyRows, whenText } from './story.ts';

const AT = Date.parse('2026-11-15T10:00:00Z');

function row(overrides: Partial<StoredAuditEntry>): StoredAuditEntry {
  return {
    id: '000000000001',
    cartId: 'c_42',
    email: 'sam@example.com',
    action: AuditAction.created,
    actor: 'system',
    at: AT,
    reason: null,
    detail: null,
    before: null,
    after: null,
    ...overrides,
  };
}

describe('whenText', () => {
  it.each([
    ['2026-11-01T09:05:00Z', 'on the 1st Nov 2026 at 09:05'],
    ['2026-11-02T00:00:00Z', 'on the 2nd Nov 2026 at 00:00'],
    ['2026-11-03T23:59:00Z', 'on the 3rd Nov 2026 at 23:59'],
    ['2026-11-11T12:00:00Z', 'on the 11th Nov 2026 at 12:00'],
    ['2026-11-12T12:00:00Z', 'on the 12th Nov 2026 at 12:00'],
    ['2026-11-13T12:00:00Z', 'on the 13th Nov 2026 at 12:00'],
    ['2026-11-21T12:00:00Z', 'on the 21st Nov 2026 at 12:00'],
    ['2026-11-22T12:00:00Z', 'on the 22nd Nov 2026 at 12:00'],
    ['2026-01-23T12:00:00Z', 'on the 23rd Jan 2026 at 12:00'],
    ['2026-12-31T12:00:00Z', 'on the 31st Dec 2026 at 12:00'],
  ])('%s reads "%s" in UTC', (iso, text) => {
    expect(whenText(Date.parse(iso), 'UTC')).toBe(text);
  });

  it('uses the given zone, including its date', () => {
    expect(whenText(Date.parse('2026-11-14T23:30:00Z'), 'Europe/Paris')).toBe(
      'on the 15th Nov 2026 at 00:30',
    );
  });
});

describe('describeEntry', () => {
  it.each<[string, Partial<StoredAuditEntry>, string]>([
    [
      'write-off by an owner',
      { action: AuditAction.writeOff, actor: 'sam', reason: 'test order' },
      'written off by sam on the 15th Nov 2026 at 10:00: test order',
    ],
    [
      'suppress by an owner',
      { action: AuditAction.suppress, actor: 'alex', reason: 'asked by phone' },
      'suppressed by alex on the 15th Nov 2026 at 10:00: asked by phone',
    ],
    [
      'suppress without a reason',
      { action: AuditAction.suppress, actor: 'alex' },
      'suppressed by alex on the 15th Nov 2026 at 10:00',
    ],
    [
      'checkout',
      { action: AuditAction.checkout, reason: 'checked out' },
      'bought on the 15th Nov 2026 at 10:00 (system)',
    ],
    [
      'reminder sent',
      { action: AuditAction.reminderSent, detail: { step: 2 } },
      'reminder 2 sent to sam@example.com on the 15th Nov 2026 at 10:00',
    ],
    [
      'reminder held',
      { action: AuditAction.reminderHeld, reason: 'quiet_hours', detail: { step: 1 } },
      'reminder 1 held on the 15th Nov 2026 at 10:00: quiet hours in the shopper’s time',
    ],
    [
      'reminder skipped',
      { action: AuditAction.skipped, reason: 'holdout', detail: { step: 1 } },
      'reminder 1 skipped on the 15th Nov 2026 at 10:00 (in the holdout group: never reminded, so the summary can measure what reminders add (CR_HOLDOUT))',
    ],
    [
      'skipped: bought on another cart, in words',
      { action: AuditAction.skipped, reason: 'bought_elsewhere', detail: { step: 1 } },
      'reminder 1 skipped on the 15th Nov 2026 at 10:00 (the same address bought since, on another cart)',
    ],
    [
      'let go with nothing to recover, in words',
      { action: AuditAction.expired, reason: 'nothing_to_recover' },
      'let go on the 15th Nov 2026 at 10:00 (nothing to bring back: no items, a zero total or no link to the cart)',
    ],
    [
      'expired',
      { action: AuditAction.expired, reason: 'gave up after 7d' },
      'let go on the 15th Nov 2026 at 10:00 (gave up after 7d)',
    ],
    [
      'expired without reason',
      { action: AuditAction.expired },
      'let go on the 15th Nov 2026 at 10:00 (expired)',
    ],
    [
      'unsubscribe by the shopper',
      { action: AuditAction.unsubscribe, actor: 'shopper', cartId: null },
      'sam@example.com unsubscribed by the shopper on the 15th Nov 2026 at 10:00',
    ],
    [
      'unsubscribe by an owner',
      { action: AuditAction.unsubscribe, actor: 'sam' },
      'sam@example.com unsubscribed by sam on the 15th Nov 2026 at 10:00',
    ],
    [
      'resubscribe',
      { action: AuditAction.resubscribe, actor: 'shopper' },
      'sam@example.com subscribed again by the shopper on the 15th Nov 2026 at 10:00',
    ],
    [
      'bounce',
      { action: AuditAction.bounced },
      'sam@example.com bounced on the 15th Nov 2026 at 10:00',
    ],
    [
      'complaint',
      { action: AuditAction.complained },
      'sam@example.com complained on the 15th Nov 2026 at 10:00',
    ],
    [
      'click',
      { action: AuditAction.clicked, actor: 'shopper', detail: { step: 1 } },
      'reminder 1 link clicked on the 15th Nov 2026 at 10:00',
    ],
    [
      'click without a step',
      { action: AuditAction.clicked, actor: 'shopper' },
      'reminder link clicked on the 15th Nov 2026 at 10:00',
    ],
    [
      'reopened',
      { action: AuditAction.reopened },
      'opened again on the 15th Nov 2026 at 10:00: the shopper came back',
    ],
    [
      'created',
      { action: AuditAction.created },
      'cart created on the 15th Nov 2026 at 10:00: the store’s first event for it',
    ],
  ])('%s', (_what, overrides, sentence) => {
    expect(describeEntry(row(overrides), 'UTC')).toBe(sentence);
  });

  it('has a sentence for every action, each with the time', () => {
    for (const action of Object.values(AuditAction)) {
      const text = describeEntry(row({ action, detail: { step: 1 } }), 'UTC');
      expect(text).toContain('on the 15th Nov 2026 at 10:00');
      expect(text).not.toMatch(/undefined|null|\[object/);
    }
  });

  it('names the owner who acted, for every owner action', () => {
    for (const action of [AuditAction.suppress, AuditAction.writeOff, AuditAction.unsubscribe]) {
      expect(describeEntry(row({ action, actor: 'jo' }), 'UTC')).toContain('by jo ');
    }
  });
});

describe('held reminders in plain words', () => {
  const H = 3_600_000;

  it('says until when, in the shopper’s zone, with the store’s time beside it', () => {
    const held = row({
      action: AuditAction.reminderHeld,
      reason: 'quiet_hours',
      at: Date.parse('2026-11-15T21:42:00Z'),
      detail: { step: 1, until: Date.parse('2026-11-16T07:00:00Z') },
    });
    expect(describeEntry(held, 'America/New_York', { shopperZone: 'Europe/Paris' })).toBe(
      'reminder 1 held on the 15th Nov 2026 at 16:42 until 08:00 on the 16th in the shopper’s time, Europe/Paris (02:00 on the 16th store time): quiet hours',
    );
  });

  it('names the reminder to the same address that a frequency cap waited on', () => {
    const sent = row({ id: '2', cartId: 'c_17', action: AuditAction.reminderSent, at: AT - 3 * H });
    const held = row({
      action: AuditAction.reminderHeld,
      reason: 'frequency_cap',
      detail: { step: 1, until: AT + 17 * H },
    });
    expect(describeEntry(held, 'UTC', { addressRows: [sent] })).toBe(
      'reminder 1 held on the 15th Nov 2026 at 10:00: not sent: the same address was reminded 3 h ago about cart c_17; tried again at 03:00 on the 16th',
    );
  });

  it('keeps an owner’s free text as it is', () => {
    expect(
      describeEntry(row({ action: AuditAction.expired, reason: 'gave up after 7d' }), 'UTC'),
    ).toBe('let go on the 15th Nov 2026 at 10:00 (gave up after 7d)');
  });
});

describe('storyRows', () => {
  const cart = { id: 'c_42', email: 'sam@example.com', createdAt: AT - 60_000 } as Cart;

  it('starts with the cart being created, then the rows oldest first', () => {
    const later = row({ id: '2', action: AuditAction.reminderSent, at: AT + 5 });
    const sooner = row({ id: '1', action: AuditAction.checkout, at: AT });
    const story = storyRows(cart, [later, sooner]);
    expect(story.map((r) => r.action)).toEqual(['created', 'checkout', 'reminder_sent']);
    expect(story[0]?.at).toBe(AT - 60_000);
  });

  it('tells a cart with no rows yet that it was created', () => {
    expect(storyRows(cart, []).map((r) => describeEntry(r, 'UTC'))).toEqual([
      'cart created on the 15th Nov 2026 at 09:59: the store’s first event for it',
    ]);
  });
});
