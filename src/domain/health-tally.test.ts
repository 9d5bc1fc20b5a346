import { describe, expect, it } from 'vitest';
import type { AuditEntry } from './audit.ts';
import { baselineOf, type DayTally, sumTallies, tallyDays, tallyUpdates } from './health-tally.ts';

const at = (iso: string) => Date.parse(iso);

function entry(over: Partial<AuditEntry>): AuditEntry {
  return {
    cartId: 'c_1',
    email: 'sam@example.com',
    action: 'reminder_sent',
    actor: 'system',
    at: at('2026-11-23T10:00:00Z'),
    reason: null,
    detail: null,
    before: null,
    after: null,
    ...over,
  };
}

describe('tallyUpdates', () => {
  it('counts a send, a bounce and a complaint on the lane of their cart, on their UTC day', () => {
    expect(tallyUpdates(entry({}))).toEqual([
      { day: '2026-11-23', field: 'signed.sent', op: 'add', value: 1 },
    ]);
    expect(tallyUpdates(entry({ action: 'bounced', cartId: 'web_abc' }))).toEqual([
      { day: '2026-11-23', field: 'browser.bounced', op: 'add', value: 1 },
    ]);
    // SES feedback by address alone is the signed lanes', as it always counted.
    expect(tallyUpdates(entry({ action: 'complained', cartId: null }))).toEqual([
      { day: '2026-11-23', field: 'signed.complained', op: 'add', value: 1 },
    ]);
  });

  it('keeps the latest time of hold marks, and a clear keeps its baseline', () => {
    const clear = entry({
      action: 'sender_cleared',
      cartId: null,
      at: at('2026-11-23T12:00:00Z'),
      detail: { 'base.signed.sent': 7, 'base.signed.bounced': 2, unrelated: 5 },
    });
    expect(tallyUpdates(clear)).toEqual([
      { day: '2026-11-23', field: 'sender_cleared', op: 'max', value: at('2026-11-23T12:00:00Z') },
      { day: '2026-11-23', field: 'base.signed.sent', op: 'max', value: 7 },
      { day: '2026-11-23', field: 'base.signed.bounced', op: 'max', value: 2 },
    ]);
  });

  it('leaves every other action out', () => {
    for (const action of [
      'checkout',
      'reminder_held',
      'skipped',
      'clicked',
      'unsubscribe',
    ] as const) {
      expect(tallyUpdates(entry({ action }))).toEqual([]);
    }
  });
});

describe('sumTallies', () => {
  const day = (d: string, values: Record<string, number>): DayTally => ({ day: d, values });

  it('adds the days of the window per lane', () => {
    const sum = sumTallies([
      day('2026-11-01', { 'signed.sent': 100, 'signed.bounced': 2, 'browser.sent': 10 }),
      day('2026-11-02', { 'signed.sent': 50, 'browser.complained': 1 }),
    ]);
    expect(sum.counts).toEqual({
      signed: { sent: 150, bounced: 2, complained: 0 },
      browser: { sent: 10, bounced: 0, complained: 1 },
    });
    expect(sum.clearedAt).toBeNull();
  });

  it('after a clear, drops the days before it and what its own day held at the clear', () => {
    const clearedAt = at('2026-11-02T12:00:00Z');
    const sum = sumTallies([
      day('2026-11-01', { 'signed.sent': 100, 'signed.bounced': 9 }),
      day('2026-11-02', {
        'signed.sent': 40,
        'signed.bounced': 6,
        sender_cleared: clearedAt,
        'base.signed.sent': 30,
        'base.signed.bounced': 6,
      }),
      day('2026-11-03', { 'signed.sent': 5, 'signed.bounced': 1 }),
    ]);
    expect(sum.clearedAt).toBe(clearedAt);
    expect(sum.counts.signed).toEqual({ sent: 15, bounced: 1, complained: 0 });
  });

  it('knows the latest pause and resume in the window, whatever order the days come in', () => {
    const sum = sumTallies([
      day('2026-11-03', { sender_resumed: at('2026-11-03T09:00:00Z') }),
      day('2026-11-01', { sender_paused: at('2026-11-01T09:00:00Z') }),
      day('2026-11-04', { sender_paused: at('2026-11-04T09:00:00Z') }),
    ]);
    expect(sum.marks.sender_paused).toBe(at('2026-11-04T09:00:00Z'));
    expect(sum.marks.sender_resumed).toBe(at('2026-11-03T09:00:00Z'));
  });

  it('baselineOf reads back the counts a clear must keep', () => {
    expect(baselineOf(day('2026-11-02', { 'signed.sent': 4, 'browser.bounced': 1 }))).toMatchObject(
      { 'base.signed.sent': 4, 'base.browser.bounced': 1, 'base.signed.bounced': 0 },
    );
  });

  it('a 30-day window is 31 UTC days at most', () => {
    const now = at('2026-11-30T15:00:00Z');
    expect(tallyDays(now - 30 * 86_400_000, now + 1)).toEqual({
      first: '2026-10-31',
      last: '2026-11-30',
    });
  });
});
