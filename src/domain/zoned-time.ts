/**
 * Wall-clock time in IANA zones, DST-correct, with nothing but Intl (no tz library to keep
 * current: Node's ICU carries the zone data). Used by the gate's quiet hours.
 */
import type { QuietHours } from './policy.ts';

export interface LocalParts {
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  readonly day: number;
  /** 0..23 */
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday .. 6 = Saturday */
  readonly weekday: number;
}

const DAY_MS = 86_400_000;

// Building a formatter is the slow part. Zone strings come from shoppers' carts, and Intl accepts
// any letter case, so the cache is bounded rather than trusting the input to repeat.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 1_000;

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // hourCycle h23: some engines print midnight as "24" with hour12:false.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(zone, f);
  }
  return f;
}

export function isValidTimeZone(zone: string): boolean {
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

export function localParts(epochMs: number, zone: string): LocalParts {
  const fields: Record<string, string> = {};
  for (const p of formatterFor(zone).formatToParts(epochMs)) fields[p.type] = p.value;
  const year = Number(fields.year);
  const month = Number(fields.month);
  const day = Number(fields.day);
  return {
    year,
    month,
    day,
    hour: Number(fields.hour),
    minute: Number(fields.minute),
    second: Number(fields.second),
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** The local wall clock at an instant, as if it were UTC (ms precision kept). */
function wallAt(epochMs: number, zone: string): number {
  const p = localParts(epochMs, zone);
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + ms;
}

/**
 * Every instant whose local wall clock reads `wall` (0 in a gap, 2 in a fall-back overlap),
 * earliest first. Offsets are sampled a day either side, which covers every real zone: none
 * changes offset twice within two days.
 */
function instantsForWall(wall: number, zone: string): number[] {
  const offsets = new Set<number>();
  for (const probe of [wall - DAY_MS, wall, wall + DAY_MS])
    offsets.add(wallAt(probe, zone) - probe);
  const found = new Set<number>();
  for (const offset of offsets) {
    const t = wall - offset;
    if (wallAt(t, zone) === wall) found.add(t);
  }
  return [...found].sort((a, b) => a - b);
}

/** First instant whose wall clock reads `wall` or later: the end of a spring-forward gap. */
function firstInstantAtOrAfterWall(wall: number, zone: string): number {
  // In a gap the wall clock jumps past `wall` somewhere in [wall - maxOffset, wall - minOffset].
  let lo = wall - 26 * 3_600_000;
  let hi = wall + 26 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * The instant of a local date and time. A time skipped by a spring-forward gap gives the first
 * instant after the gap; a time that happens twice (fall back) gives the earlier one.
 */
export function zonedToEpoch(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  zone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, 0);
  return instantsForWall(wall, zone)[0] ?? firstInstantAtOrAfterWall(wall, zone);
}

/** The first instant after `after` whose local time is `minuteOfDay` (or the gap's end). */
function nextLocalTime(after: number, minuteOfDay: number, zone: string): number {
  const today = localParts(after, zone);
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const wall = Date.UTC(
      today.year,
      today.month - 1,
      today.day + dayOffset,
      Math.floor(minuteOfDay / 60),
      minuteOfDay % 60,
      0,
    );
    const candidates = instantsForWall(wall, zone);
    const hit =
      candidates.length > 0
        ? candidates.find((t) => t > after)
        : firstInstantAtOrAfterWall(wall, zone);
    if (hit !== undefined && hit > after) return hit;
  }
  // Unreachable for real zones: a local time of day recurs within two days.
  throw new RangeError(`no local ${minuteOfDay} min after ${after} in ${zone}`);
}

/** Whether a local minute of the day (0..1439) falls in quiet hours. An empty range is never quiet. */
export function isQuietMinute(minuteOfDay: number, quiet: QuietHours): boolean {
  const { startMinute: start, endMinute: end } = quiet;
  if (start === end) return false;
  return start < end
    ? minuteOfDay >= start && minuteOfDay < end
    : minuteOfDay >= start || minuteOfDay < end;
}

export function isQuietAt(epochMs: number, zone: string, quiet: QuietHours): boolean {
  const p = localParts(epochMs, zone);
  return isQuietMinute(p.hour * 60 + p.minute, quiet);
}

/**
 * null when `now` is outside quiet hours in `zone`; otherwise when this quiet period ends: the
 * next instant the local clock reads the end time (or the first instant after it, if a DST gap
 * swallows it). Always later than `now`.
 */
export function quietUntil(now: number, zone: string, quiet: QuietHours): number | null {
  if (!isQuietAt(now, zone, quiet)) return null;
  return nextLocalTime(now, quiet.endMinute, zone);
}

export class InvalidQuietHoursError extends Error {
  override readonly name = 'InvalidQuietHoursError';
}

const QUIET_SHAPE = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/;

/** "21:00-08:00" (may wrap midnight) or "off" (null). */
export function parseQuietHours(text: string, what = 'CR_QUIET_HOURS'): QuietHours | null {
  if (text.trim().toLowerCase() === 'off') return null;
  const m = QUIET_SHAPE.exec(text);
  const [sh, sm, eh, em] = m ? m.slice(1, 5).map(Number) : [];
  const valid = (h: number | undefined, mi: number | undefined) =>
    h !== undefined && mi !== undefined && h <= 23 && mi <= 59;
  if (!valid(sh, sm) || !valid(eh, em)) {
    throw new InvalidQuietHoursError(
      `${what}: "${text}" is not a quiet-hours range; use HH:MM-HH:MM in 24-hour time (e.g. 21:00-08:00) or off`,
    );
  }
  const startMinute = (sh ?? 0) * 60 + (sm ?? 0);
  const endMinute = (eh ?? 0) * 60 + (em ?? 0);
  if (startMinute === endMinute) {
    throw new InvalidQuietHoursError(
      `${what}: "${text}" starts and ends at the same time; give a real range or off`,
    );
  }
  return { startMinute, endMinute };
}
