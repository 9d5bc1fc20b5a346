/** Local calendar days in the store's zone: "the day's carts" means the owner's day, not UTC's. */
import { localParts, zonedToEpoch } from './zoned-time.ts';

const DAY_SHAPE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * No cart is older than 1970 (events before it are refused), and Date.UTC reads years 0-99 as
 * 1900-1999: "0099-05" would answer for May 1999. Days and months start at this year.
 */
export const FIRST_YEAR = 1970;

export function isDay(text: string): boolean {
  const match = DAY_SHAPE.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (y < FIRST_YEAR) return false;
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** [from, to) of a local day; 23 or 25 hours long across a DST change. */
export function dayRange(day: string, zone: string): { from: number; to: number } {
  const match = DAY_SHAPE.exec(day);
  if (!match || !isDay(day)) throw new RangeError(`"${day}" is not a date like 2026-11-23`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return { from: zonedToEpoch(y, m, d, 0, 0, zone), to: zonedToEpoch(y, m, d + 1, 0, 0, zone) };
}

/** The local date (YYYY-MM-DD) of an instant. */
export function localDay(epochMs: number, zone: string): string {
  const p = localParts(epochMs, zone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
