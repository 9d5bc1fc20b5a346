import { describe, expect, it } from 'vitest';
import { assessLanes, assessSenderHealth, DEFAULT_SENDER_LIMITS } from './sender-health.ts';

describe('assessSenderHealth', () => {
  it('is ok with no mail and with a clean record', () => {
    expect(assessSenderHealth({ sent: 0, bounced: 0, complained: 0 }).verdict).toBe('ok');
    expect(assessSenderHealth({ sent: 10_000, bounced: 300, complained: 5 }).verdict).toBe('ok');
  });

  it('holds at 4% hard bounces, before the 5% review', () => {
    // 40 / 1000 = 4.0% -> hold; 39 / 1000 = 3.9% -> ok.
    expect(assessSenderHealth({ sent: 1000, bounced: 40, complained: 0 })).toMatchObject({
      verdict: 'hold',
      reason: 'bounce_rate',
    });
    expect(assessSenderHealth({ sent: 1000, bounced: 39, complained: 0 }).verdict).toBe('ok');
  });

  it('holds at 0.08% complaints, before the 0.1% review', () => {
    // 8 / 10,000 = 0.08% -> hold; 7 / 10,000 = 0.07% -> ok.
    expect(assessSenderHealth({ sent: 10_000, bounced: 0, complained: 8 })).toMatchObject({
      verdict: 'hold',
      reason: 'complaint_rate',
    });
    expect(assessSenderHealth({ sent: 10_000, bounced: 0, complained: 7 }).verdict).toBe('ok');
  });

  it('does not let one complaint among a handful of emails stop a small store', () => {
    // 1 / max(30, 2000) = 0.05% < 0.08%; 2 / 2000 = 0.1% -> hold.
    expect(assessSenderHealth({ sent: 30, bounced: 0, complained: 1 }).verdict).toBe('ok');
    expect(assessSenderHealth({ sent: 30, bounced: 0, complained: 2 }).verdict).toBe('hold');
    // Bounces: 7 / max(50, 200) = 3.5% ok; 8 / 200 = 4% hold.
    expect(assessSenderHealth({ sent: 50, bounced: 7, complained: 0 }).verdict).toBe('ok');
    expect(assessSenderHealth({ sent: 50, bounced: 8, complained: 0 }).verdict).toBe('hold');
  });

  it('says why in words an owner understands', () => {
    const health = assessSenderHealth(
      { sent: 1000, bounced: 50, complained: 0 },
      DEFAULT_SENDER_LIMITS,
    );
    expect(health.verdict === 'hold' && health.message).toContain(
      '50 hard bounce(s) over 1000 reminders (5.0%)',
    );
  });
});

describe('assessLanes', () => {
  const clean = { sent: 0, bounced: 0, complained: 0 };

  it("judges the signed lanes without the browser lane's mail: its bounces never hold them", () => {
    // Ten snippet carts to dead addresses: 10 bounces of 10 sends, beside 190 clean signed sends.
    const lanes = assessLanes({
      all: { sent: 200, bounced: 10, complained: 0 },
      browser: { sent: 10, bounced: 10, complained: 0 },
    });
    expect(lanes.signed.verdict).toBe('ok');
    expect(lanes.signedCounts).toEqual({ sent: 190, bounced: 0, complained: 0 });
    expect(lanes.browser).toMatchObject({ verdict: 'hold', reason: 'bounce_rate' });
    // The same ten bounces counted store-wide would have held every reminder.
    expect(assessSenderHealth({ sent: 200, bounced: 10, complained: 0 }).verdict).toBe('hold');
  });

  it('holds the browser lane first: at half the rates of the signed lanes', () => {
    const browser = { sent: 1000, bounced: 20, complained: 0 };
    const lanes = assessLanes({ all: browser, browser });
    expect(lanes.browser.verdict).toBe('hold');
    expect(assessSenderHealth(browser).verdict).toBe('ok');
    const complaints = { sent: 10_000, bounced: 0, complained: 4 };
    expect(assessLanes({ all: complaints, browser: complaints }).browser).toMatchObject({
      verdict: 'hold',
      reason: 'complaint_rate',
    });
    expect(assessLanes({ all: clean, browser: clean }).browser.verdict).toBe('ok');
  });

  it('counts against the signed lanes what no lane claims (a bounce with no cart to trace)', () => {
    const lanes = assessLanes({
      all: { sent: 0, bounced: 10, complained: 0 },
      browser: clean,
    });
    expect(lanes.signed.verdict).toBe('hold');
  });
});
