import { describe, expect, it } from 'vitest';
import { dayRange, isDay, localDay } from './calendar.ts';

const HOUR = 3_600_000;

describe('isDay', () => {
  it.each(['2026-11-23', '2026-02-28', '2028-02-29', '2026-12-31', '2026-01-01', '1970-01-01'])(
    'accepts %s',
    (d) => {
      expect(isDay(d)).toBe(true);
    },
  );

  it.each([
    '2026-02-30',
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-11-00',
    '2026-1-5',
    '26-11-23',
    '2026/11/23',
    '2026-11-23T00:00',
    ' 2026-11-23',
    '',
    // Date.UTC would read year 99 as 1999; nothing is before 1970 anyway.
    '0099-05-01',
    '1969-12-31',
  ])('rejects %s', (d) => {
    expect(isDay(d)).toBe(false);
  });
});

describe('dayRange', () => {
  it('is 24 hours from local midnight on a normal day', () => {
    expect(dayRange('2026-11-23', 'Europe/Paris')).toEqual({
      from: Date.parse('2026-11-22T23:00:00Z'),
      to: Date.parse('2026-11-23T23:00:00Z'),
    });
    expect(dayRange('2026-11-23', 'UTC')).toEqual({
      from: Date.parse('2026-11-23T00:00:00Z'),
      to: Date.parse('2026-11-24T00:00:00Z'),
    });
  });

  it('is 23 hours on the spring-forward day (Europe/Paris 2026-03-29)', () => {
    const { from, to } = dayRange('2026-03-29', 'Europe/Paris');
    expect(from).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(to).toBe(Date.parse('2026-03-29T22:00:00Z'));
    expect(to - from).toBe(23 * HOUR);
  });

  it('is 25 hours on the fall-back day (Europe/Paris 2026-10-25)', () => {
    const { from, to } = dayRange('2026-10-25', 'Europe/Paris');
    expect(from).toBe(Date.parse('2026-10-24T22:00:00Z'));
    expect(to).toBe(Date.parse('2026-10-25T23:00:00Z'));
    expect(to - from).toBe(25 * HOUR);
  });

  it('rolls over month and year ends', () => {
    expect(dayRange('2026-12-31', 'America/New_York')).toEqual({
      from: Date.parse('2026-12-31T05:00:00Z'),
      to: Date.parse('2027-01-01T05:00:00Z'),
    });
  });

  it('consecutive days tile without gaps', () => {
    expect(dayRange('2026-03-29', 'Europe/Paris').to).toBe(
      dayRange('2026-03-30', 'Europe/Paris').from,
    );
  });

  it.each(['2026-02-30', 'today', ''])('throws a RangeError for "%s"', (d) => {
    expect(() => dayRange(d, 'UTC')).toThrow(RangeError);
  });
});

describe('localDay', () => {
  it('is the next day shortly before UTC midnight in a zone ahead of UTC', () => {
    expect(localDay(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Paris')).toBe('2026-11-23');
    expect(localDay(Date.parse('2026-11-22T10:59:59Z'), 'Pacific/Auckland')).toBe('2026-11-22');
    expect(localDay(Date.parse('2026-11-22T11:00:00Z'), 'Pacific/Auckland')).toBe('2026-11-23');
  });

  it('is the previous day shortly after UTC midnight in a zone behind UTC', () => {
    expect(localDay(Date.parse('2026-11-23T03:00:00Z'), 'America/New_York')).toBe('2026-11-22');
  });

  it('puts the first and last millisecond of a range on that day', () => {
    for (const day of ['2026-03-29', '2026-10-25', '2026-11-23']) {
      const { from, to } = dayRange(day, 'Europe/Paris');
      expect(localDay(from, 'Europe/Paris')).toBe(day);
      expect(localDay(to - 1, 'Europe/Paris')).toBe(day);
      expect(localDay(to, 'Europe/Paris')).not.toBe(day);
    }
  });
});
