/** Local calendar days in the store's zone: "the day's carts" means the owner's day, not UTC's. */

import { DAY, FIRST_YEAR, isDay } from './input-rules.ts';
import { localParts, zonedToEpoch } from './zoned-time.ts';

export { FIRST_YEAR, isDay };

/** [from, to) of a local day; 23 or 25 hours long across a DST change. */
export function dayRange(day: string, zone: string): { from: number; to: number } {
  const match = DAY.exec(day);
  if (!match || !isDay(day)) throw new RangeError(`"${day}" is not a date like 2026-11-23`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return { from: zonedToEpoch(y, m, d, 0, 0, zone), to: zonedToEpoch(y, m, d + 1, 0, 0, zone) };
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDay(epochMs: number, zone: string): string {
  const p = localParts(epochMs, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
