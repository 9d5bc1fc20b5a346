/**
 * Which day or month a scheduled run covers: the last complete one in the store's zone (the rule
 * fires in UTC), unless the event names one (`{"day":"2026-11-23"}`, `{"month":"2026-11"}`) for a
 * re-run by hand.
 */
import { localDay } from '../domain/calendar.ts';
import { isDay, isMonth } from '../domain/input-rules.ts';

/** The local day before the one `now` falls on. */
export function previousDay(now: number, zone: string): string {
  const [y, m, d] = localDay(now, zone).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}

/** The local month before the one `now` falls on. */
export function previousMonth(now: number, zone: string): string {
  const [y, m] = localDay(now, zone).split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
}

export class PeriodInputError extends Error {
  override readonly name = 'PeriodInputError';
}

function asked(event: unknown, key: 'day' | 'month'): unknown {
  return typeof event === 'object' && event !== null && key in event
    ? (event as Record<string, unknown>)[key]
    : undefined;
}

export function dayToExport(event: unknown, now: number, zone: string): string {
  const day = asked(event, 'day');
  if (day === undefined) return previousDay(now, zone);
  if (typeof day !== 'string' || !isDay(day)) {
    throw new PeriodInputError(`"day" must be a date like 2026-11-23, got ${JSON.stringify(day)}`);
  }
  return day;
}

export function monthToSummarise(event: unknown, now: number, zone: string): string {
  const month = asked(event, 'month');
  if (month === undefined) return previousMonth(now, zone);
  if (typeof month !== 'string' || !isMonth(month)) {
    throw new PeriodInputError(`"month" must look like 2026-11, got ${JSON.stringify(month)}`);
  }
  return month;
}
