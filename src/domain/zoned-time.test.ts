import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuietHours } from './policy.ts';
import {
  InvalidQuietHoursError,
  isQuietAt,
  isValidTimeZone,
  localParts,
  parseQuietHours,
  quietUntil,
  zonedToEpoch,
} from './zoned-time.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const NIGHT: QuietHours = { startMinute: 21 * 60, endMinute: 8 * 60 };
const LUNCH: QuietHours = { startMinute: 13 * 60, endMinute: 14 * 60 };

describe('localParts', () => {
  it('reads the wall clock on both sides of the Paris spring-forward', () => {
    expect(localParts(at('2026-03-29T00:59:59Z'), 'Europe/Paris')).toMatchObject({
      year: 2026,
      month: 3,
      day: 29,
      hour: 1,
      minute: 59,
      second: 59,
      weekday: 0,
    });
    expect(localParts(at('2026-03-29T01:00:00Z'), 'Europe/Paris')).toMatchObject({
      hour: 3,
      minute: 0,
    });
  });

  it('handles a 45-minute offset and midnight as hour 0', () => {
    expect(localParts(at('2026-03-28T22:00:00Z'), 'Asia/Kathmandu')).toMatchObject({
      day: 29,
      hour: 3,
      minute: 45,
      weekday: 0,
    });
    expect(localParts(at('2026-01-01T00:00:00Z'), 'UTC')).toMatchObject({
      hour: 0,
      weekday: 4,
    });
  });
});

type ZonedRow = [
  zone: string,
  local: [number, number, number, number, number],
  want: string,
  why: string,
];

describe('zonedToEpoch', () => {
  it.each<ZonedRow>([
    ['Europe/Paris', [2026, 1, 15, 12, 0], '2026-01-15T11:00:00.000Z', 'plain winter time'],
    ['Europe/Paris', [2026, 3, 29, 2, 30], '2026-03-29T01:00:00.000Z', 'gap: first instant after'],
    ['Europe/Paris', [2026, 10, 25, 2, 30], '2026-10-25T00:30:00.000Z', 'overlap: earlier'],
    ['America/New_York', [2026, 3, 8, 2, 30], '2026-03-08T07:00:00.000Z', 'gap: 03:00 EDT'],
    ['America/New_York', [2026, 11, 1, 1, 30], '2026-11-01T05:30:00.000Z', 'overlap: EDT'],
    ['Asia/Kathmandu', [2026, 6, 1, 8, 0], '2026-06-01T02:15:00.000Z', '+05:45'],
    ['Asia/Kolkata', [2026, 6, 1, 8, 0], '2026-06-01T02:30:00.000Z', '+05:30'],
    ['Australia/Lord_Howe', [2026, 4, 5, 1, 45], '2026-04-04T14:45:00.000Z', '30-min overlap'],
  ])('%s %j -> %s (%s)', (zone, [y, m, d, h, mi], want) => {
    expect(iso(zonedToEpoch(y, m, d, h, mi, zone))).toBe(want);
  });
});

describe('quietUntil', () => {
  it.each([
    ['UTC', '2026-06-01T12:00:00Z', NIGHT, null],
    ['UTC', '2026-06-01T21:00:00Z', NIGHT, '2026-06-02T08:00:00.000Z'],
    ['UTC', '2026-06-02T07:59:59Z', NIGHT, '2026-06-02T08:00:00.000Z'],
    ['UTC', '2026-06-02T08:00:00Z', NIGHT, null],
    ['UTC', '2026-06-01T20:59:59Z', NIGHT, null],
    ['UTC', '2026-06-01T13:30:00Z', LUNCH, '2026-06-01T14:00:00.000Z'],
    ['UTC', '2026-06-01T14:00:00Z', LUNCH, null],
    ['UTC', '2026-06-01T23:00:00Z', LUNCH, null],
    // Spring forward: the night is an hour shorter in UTC terms.
    ['Europe/Paris', '2026-03-28T21:00:00Z', NIGHT, '2026-03-29T06:00:00.000Z'],
    // Fall back: an hour longer.
    ['Europe/Paris', '2026-10-24T20:00:00Z', NIGHT, '2026-10-25T07:00:00.000Z'],
    ['America/New_York', '2026-03-08T04:00:00Z', NIGHT, '2026-03-08T12:00:00.000Z'],
    ['America/New_York', '2026-11-01T04:00:00Z', NIGHT, '2026-11-01T13:00:00.000Z'],
    ['Asia/Kathmandu', '2026-06-01T16:00:00Z', NIGHT, '2026-06-02T02:15:00.000Z'],
    ['Asia/Kathmandu', '2026-06-01T02:15:00Z', NIGHT, null],
  ] as const)('%s at %s with %j -> %s', (zone, now, quiet, want) => {
    expect(iso(quietUntil(at(now), zone, quiet))).toBe(want);
  });

  it('ends at the first instant after a gap that swallows the end time', () => {
    // Paris skips 02:00-03:00 on 2026-03-29; quiet until 02:30 ends when the clock shows 03:00.
    const quiet = { startMinute: 22 * 60, endMinute: 2 * 60 + 30 };
    expect(iso(quietUntil(at('2026-03-28T23:30:00Z'), 'Europe/Paris', quiet))).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('after a fall-back repeat of the end time, ends at the later occurrence', () => {
    // New York repeats 01:00-02:00 on 2026-11-01. Quiet 21:00-01:30 ends at 01:30 EDT, starts
    // again at 01:00 EST (the clock went back), and ends again at 01:30 EST.
    const quiet = { startMinute: 21 * 60, endMinute: 90 };
    const firstEnd = at('2026-11-01T05:30:00Z');
    expect(quietUntil(at('2026-11-01T05:00:00Z'), 'America/New_York', quiet)).toBe(firstEnd);
    expect(quietUntil(firstEnd, 'America/New_York', quiet)).toBeNull();
    expect(iso(quietUntil(at('2026-11-01T06:10:00Z'), 'America/New_York', quiet))).toBe(
      '2026-11-01T06:30:00.000Z',
    );
  });
});

describe('parseQuietHours', () => {
  it.each([
    ['21:00-08:00', { startMinute: 1260, endMinute: 480 }],
    [' 13:00 - 14:30 ', { startMinute: 780, endMinute: 870 }],
    ['9:05-17:00', { startMinute: 545, endMinute: 1020 }],
    ['off', null],
    ['OFF', null],
  ] as const)('%j', (text, want) => {
    expect(parseQuietHours(text)).toEqual(want);
  });

  it.each(['', '21-08', '25:00-08:00', '21:00-08:60', '21:00', 'never', '08:00-08:00'])(
    'rejects %j naming CR_QUIET_HOURS and the text',
    (text) => {
      expect(() => parseQuietHours(text)).toThrow(InvalidQuietHoursError);
      expect(() => parseQuietHours(text)).toThrow(/CR_QUIET_HOURS/);
      expect(() => parseQuietHours(text)).toThrow(`"${text}"`);
    },
  );
});

it('isValidTimeZone', () => {
  expect(isValidTimeZone('Europe/Paris')).toBe(true);
  expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
});

const ZONES = [
  'UTC',
  'Europe/Paris',
  'America/New_York',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'Asia/Tehran',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];
// Known 2026 transitions, so generated instants land near DST changes often.
const TRANSITIONS = [
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2026-03-08T07:00:00Z',
  '2026-11-01T06:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:30:00Z',
  '2026-04-05T03:00:00Z',
  '2026-09-06T04:00:00Z',
].map(at);
const HOUR_MS = 3_600_000;

const instant = fc.oneof(
  fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }),
  fc
    .tuple(fc.constantFrom(...TRANSITIONS), fc.integer({ min: -36 * HOUR_MS, max: 36 * HOUR_MS }))
    .map(([t, d]) => t + d),
);
const minuteOfDay = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 0, max: 23 }).map((h) => h * 60),
  fc.constantFrom(90, 120, 150, 180),
);
const quietHours = fc
  .tuple(minuteOfDay, minuteOfDay)
  .filter(([s, e]) => s !== e)
  .map(([startMinute, endMinute]) => ({ startMinute, endMinute }));

function offsetAt(t: number, zone: string): number {
  const p = localParts(t, zone);
  return (
    Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000
  );
}

it('quietUntil: later than now, lands on the end time (or a gap end), quiet all the way', () => {
  fc.assert(
    fc.property(
      instant,
      fc.constantFrom(...ZONES),
      quietHours,
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
      (now, zone, quiet, samples) => {
        const t = quietUntil(now, zone, quiet);
        if (t === null) {
          expect(isQuietAt(now, zone, quiet)).toBe(false);
          return;
        }
        expect(isQuietAt(now, zone, quiet)).toBe(true);
        expect(t).toBeGreaterThan(now);
        const local = localParts(t, zone);
        const onEnd = local.hour * 60 + local.minute === quiet.endMinute && local.second === 0;
        const gapEnd = offsetAt(t, zone) > offsetAt(t - 1000, zone);
        expect(onEnd || gapEnd).toBe(true);
        for (const f of samples) {
          const s = now + Math.floor(f * (t - now - 1));
          if (s > now && s < t) expect(isQuietAt(s, zone, quiet)).toBe(true);
        }
        expect(isQuietAt(t - 1, zone, quiet)).toBe(true);
      },
    ),
    { numRuns: 1000 },
  );
});
