/**
 * The nightly export, the nightly retention sweep and the monthly summary in `serve`: one timer
 * to the next run, computed in the store's zone so a DST change moves the run with the wall
 * clock, not with UTC.
 */
import { localDay } from '../domain/calendar.ts';
import { localParts, zonedToEpoch } from '../domain/zoned-time.ts';
import type { Clock } from '../ports/clock.ts';

export type SetTimer = (run: () => void, delayMs: number) => { cancel(): void };

export interface ScheduledJobsDeps {
  readonly clock: Clock;
  /** The store's IANA zone. */
  readonly zone: string;
  /** HH:MM local time of the daily run. */
  readonly exportAt: string;
  /** Writes (replaces) the sheet of one local day (YYYY-MM-DD). Each run writes yesterday and today. */
  readonly runExport: (day: string) => Promise<unknown>;
  /** Sends the summary of one month (YYYY-MM); called on the 1st, for the month before. */
  readonly runMonthly: (month: string) => Promise<unknown>;
  /**
   * Removes what is past its retention, as of `now` (the run's time): locally, audit rows older
   * than AUDIT_RETAIN_MS. Runs after the export, every night. Absent: nothing to sweep.
   */
  readonly runRetention?: (now: number) => Promise<unknown>;
  readonly setTimer?: SetTimer;
  readonly onError: (job: ScheduledJob, error: unknown) => void;
}

export type ScheduledJob = 'export' | 'monthly' | 'retention';

export interface ScheduledJobs {
  start(): void;
  /** Cancels the next run and waits for one in flight. */
  stop(): Promise<void>;
  /** When the next run is due (epoch ms), or null when stopped. */
  nextRunAt(): number | null;
}

export class InvalidExportTimeError extends Error {
  override readonly name = 'InvalidExportTimeError';
}

const defaultSetTimer: SetTimer = (run, delayMs) => {
  const handle = setTimeout(run, delayMs);
  return { cancel: () => clearTimeout(handle) };
};

export function parseExportAt(text: string): { hour: number; minute: number } {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  if (!match) throw new InvalidExportTimeError(`"${text}" is not a time like 23:55`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * The first instant after `after` when the local clock reads hour:minute. zonedToEpoch gives
 * the end of a spring-forward gap for a time that does not exist that day, so the run still
 * happens once; on a fall-back day the earlier of the two readings is used, so once as well.
 */
export function nextRunAfter(
  after: number,
  at: { hour: number; minute: number },
  zone: string,
): number {
  const today = localParts(after, zone);
  for (let offset = 0; offset <= 2; offset++) {
    const t = zonedToEpoch(today.year, today.month, today.day + offset, at.hour, at.minute, zone);
    if (t > after) return t;
  }
  throw new RangeError(`no local ${at.hour}:${at.minute} within two days in ${zone}`);
}

/** "2026-11-30" for "2026-12-01" (calendar arithmetic, no zone involved). */
export function dayBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
}

/** "2026-12" for a run on 2027-01-01. */
export function previousMonth(day: string): string {
  const [y, m] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 2, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function createScheduledJobs(deps: ScheduledJobsDeps): ScheduledJobs {
  const { clock, zone, runExport, runMonthly, onError } = deps;
  const at = parseExportAt(deps.exportAt);
  const setTimer = deps.setTimer ?? defaultSetTimer;
  let timer: { cancel(): void } | null = null;
  let dueAt: number | null = null;
  let inFlight: Promise<void> = Promise.resolve();
  let running = false;

  function arm(runAt: number): void {
    dueAt = runAt;
    timer = setTimer(() => fire(runAt), Math.max(0, runAt - clock.now()));
  }

  function fire(runAt: number): void {
    timer = null;
    if (!running) return;
    // A timer may fire a little early (clock adjustments): wait out the rest.
    if (clock.now() < runAt) {
      arm(runAt);
      return;
    }
    inFlight = runJobs(runAt).finally(() => {
      if (running) arm(nextRunAfter(Math.max(runAt, clock.now()), at, zone));
    });
  }

  async function runJobs(runAt: number): Promise<void> {
    // The day is the one whose wall clock read exportAt, even if the run itself was late. The day
    // before is written again: carts active after its run (23:55 to midnight) land there, and
    // the replaced file is then final. Each sheet is replaced whole, so re-writing is harmless.
    const day = localDay(runAt, zone);
    for (const d of [dayBefore(day), day]) {
      try {
        await runExport(d);
      } catch (error) {
        onError('export', error);
      }
    }
    try {
      await deps.runRetention?.(runAt);
    } catch (error) {
      onError('retention', error);
    }
    if (localParts(runAt, zone).day !== 1) return;
    try {
      await runMonthly(previousMonth(day));
    } catch (error) {
      onError('monthly', error);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      arm(nextRunAfter(clock.now(), at, zone));
    },
    async stop() {
      running = false;
      timer?.cancel();
      timer = null;
      dueAt = null;
      await inFlight;
    },
    nextRunAt: () => dueAt,
  };
}
