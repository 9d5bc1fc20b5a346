import { describe, expect, it } from 'vitest';
import { createManualClock } from '../ports/clock.ts';
import {
  createScheduledJobs,
  dayBefore,
  InvalidExportTimeError,
  nextRunAfter,
  previousMonth,
  type SetTimer,
} from './scheduled-jobs.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;

function fakeTimers() {
  const armed: Array<{ run: () => void; delay: number; cancelled: boolean }> = [];
  const setTimer: SetTimer = (run, delay) => {
    const entry = { run, delay, cancelled: false };
    armed.push(entry);
    return {
      cancel() {
        entry.cancelled = true;
      },
    };
  };
  return { armed, setTimer };
}

/** Lets the run's promise chain (export, monthly, re-arm) finish; nothing here does real I/O. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function harness(startIso: string, zone: string, exportAt: string) {
  const clock = createManualClock(Date.parse(startIso));
  const timers = fakeTimers();
  const exported: string[] = [];
  const monthly: string[] = [];
  const errors: Array<{ job: string; error: unknown }> = [];
  const jobs = createScheduledJobs({
    clock,
    zone,
    exportAt,
    setTimer: timers.setTimer,
    runExport: async (day) => {
      exported.push(day);
    },
    runMonthly: async (month) => {
      monthly.push(month);
    },
    onError: (job, error) => errors.push({ job, error }),
  });
  /** Moves the clock to the armed run and fires it, as setTimeout would. */
  async function fireNext() {
    const timer = timers.armed.at(-1);
    if (timer === undefined || timer.cancelled) throw new Error('nothing armed');
    clock.advance(timer.delay);
    timer.run();
    await settle();
    return timer.delay;
  }
  return { clock, timers, exported, monthly, errors, jobs, fireNext };
}

describe('scheduled jobs', () => {
  it('runs at the local export time each day, across the spring-forward change (23 h day)', async () => {
    // Paris: CET (UTC+1) until 2027-03-28 02:00, then CEST (UTC+2).
    const h = harness('2027-03-27T12:00:00Z', 'Europe/Paris', '23:55');
    h.jobs.start();
    // 13:00 CET to 23:55 CET = 10 h 55 min.
    expect(h.timers.armed[0]?.delay).toBe(10 * HOUR + 55 * MINUTE);
    await h.fireNext();
    expect(new Date(h.clock.now()).toISOString()).toBe('2027-03-27T22:55:00.000Z');
    // 23:55 CET on the 27th to 23:55 CEST on the 28th: the clocks skipped an hour, so 23 h.
    expect(h.timers.armed[1]?.delay).toBe(23 * HOUR);
    await h.fireNext();
    expect(new Date(h.clock.now()).toISOString()).toBe('2027-03-28T21:55:00.000Z');
    expect(h.timers.armed[2]?.delay).toBe(24 * HOUR);
    expect(h.exported).toEqual(['2027-03-26', '2027-03-27', '2027-03-27', '2027-03-28']);
    expect(h.monthly).toEqual([]);
    await h.jobs.stop();
  });

  it('gets a 25 h day at the fall-back change, and runs once on it', async () => {
    // Paris: CEST until 2026-10-25 03:00, when the clock goes back to 02:00 CET.
    const h = harness('2026-10-24T12:00:00Z', 'Europe/Paris', '23:55');
    h.jobs.start();
    await h.fireNext(); // 2026-10-24 23:55 CEST = 21:55Z
    expect(h.timers.armed[1]?.delay).toBe(25 * HOUR);
    await h.fireNext();
    expect(new Date(h.clock.now()).toISOString()).toBe('2026-10-25T22:55:00.000Z');
    expect(h.exported).toEqual(['2026-10-23', '2026-10-24', '2026-10-24', '2026-10-25']);
    await h.jobs.stop();
  });

  it('a time inside the spring-forward gap runs once, at the end of the gap', () => {
    // 02:30 does not exist in Paris on 2027-03-28; the first instant after is 03:00 CEST.
    const at = nextRunAfter(
      Date.parse('2027-03-27T12:00:00Z'),
      { hour: 2, minute: 30 },
      'Europe/Paris',
    );
    expect(new Date(at).toISOString()).toBe('2027-03-28T01:00:00.000Z');
    const after = nextRunAfter(at, { hour: 2, minute: 30 }, 'Europe/Paris');
    expect(new Date(after).toISOString()).toBe('2027-03-29T00:30:00.000Z');
  });

  it('sends the previous month only on the 1st', async () => {
    const h = harness('2026-11-28T12:00:00Z', 'UTC', '23:55');
    h.jobs.start();
    for (let i = 0; i < 6; i++) await h.fireNext();
    // Each run writes the day before again (final now) and the day so far.
    expect(h.exported.filter((_, i) => i % 2 === 1)).toEqual([
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ]);
    expect(h.exported.filter((_, i) => i % 2 === 0)).toEqual([
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(h.monthly).toEqual(['2026-11']);
    await h.jobs.stop();
  });

  it('the 1st of January sends December of the year before', () => {
    expect(previousMonth('2027-01-01')).toBe('2026-12');
    expect(previousMonth('2026-12-01')).toBe('2026-11');
    expect(dayBefore('2027-01-01')).toBe('2026-12-31');
    expect(dayBefore('2028-03-01')).toBe('2028-02-29');
  });

  it('a failing export is reported and the next day still runs; the monthly still goes', async () => {
    const clock = createManualClock(Date.parse('2026-11-30T12:00:00Z'));
    const timers = fakeTimers();
    const errors: string[] = [];
    const monthly: string[] = [];
    const jobs = createScheduledJobs({
      clock,
      zone: 'UTC',
      exportAt: '23:55',
      setTimer: timers.setTimer,
      runExport: async () => {
        throw new Error('disk full');
      },
      runMonthly: async (month) => {
        monthly.push(month);
      },
      onError: (job, error) => errors.push(`${job}: ${(error as Error).message}`),
    });
    jobs.start();
    for (let i = 0; i < 2; i++) {
      const timer = timers.armed.at(-1);
      clock.advance(timer?.delay ?? 0);
      timer?.run();
      await settle();
    }
    // Two runs, two days each: every failure is reported, none stops the schedule.
    expect(errors).toEqual(Array(4).fill('export: disk full'));
    expect(monthly).toEqual(['2026-11']);
    expect(timers.armed).toHaveLength(3);
    await jobs.stop();
  });

  it('stop cancels the armed timer and a stopped schedule never runs', async () => {
    const h = harness('2026-11-28T12:00:00Z', 'UTC', '23:55');
    h.jobs.start();
    expect(h.jobs.nextRunAt()).toBe(Date.parse('2026-11-28T23:55:00Z'));
    await h.jobs.stop();
    expect(h.timers.armed[0]?.cancelled).toBe(true);
    expect(h.jobs.nextRunAt()).toBeNull();
    h.timers.armed[0]?.run();
    await settle();
    expect(h.exported).toEqual([]);
  });

  it('a timer that fires early waits out the rest instead of exporting early', async () => {
    const h = harness('2026-11-28T12:00:00Z', 'UTC', '23:55');
    h.jobs.start();
    h.clock.advance(HOUR);
    h.timers.armed[0]?.run();
    await settle();
    expect(h.exported).toEqual([]);
    expect(h.timers.armed[1]?.delay).toBe(10 * HOUR + 55 * MINUTE);
    await h.jobs.stop();
  });

  it('sweeps retention every night after the export, at the run time, and survives a failure', async () => {
    const clock = createManualClock(Date.parse('2026-11-23T12:00:00Z'));
    const timers = fakeTimers();
    const order: string[] = [];
    const errors: string[] = [];
    let failNext = true;
    const jobs = createScheduledJobs({
      clock,
      zone: 'UTC',
      exportAt: '23:55',
      setTimer: timers.setTimer,
      runExport: async (day) => void order.push(`export ${day}`),
      runMonthly: async () => {},
      runRetention: async (now) => {
        order.push(`retention ${new Date(now).toISOString()}`);
        if (failNext) {
          failNext = false;
          throw new Error('disk full');
        }
      },
      onError: (job) => void errors.push(job),
    });
    jobs.start();
    for (let night = 0; night < 2; night++) {
      const timer = timers.armed.at(-1);
      clock.advance(timer?.delay ?? 0);
      timer?.run();
      await settle();
    }
    expect(order).toEqual([
      'export 2026-11-22',
      'export 2026-11-23',
      'retention 2026-11-23T23:55:00.000Z',
      'export 2026-11-23',
      'export 2026-11-24',
      'retention 2026-11-24T23:55:00.000Z',
    ]);
    expect(errors).toEqual(['retention']);
    await jobs.stop();
  });

  it('refuses an export time that is not HH:MM', () => {
    expect(() =>
      createScheduledJobs({
        clock: createManualClock(0),
        zone: 'UTC',
        exportAt: '25:00',
        runExport: async () => {},
        runMonthly: async () => {},
        onError: () => {},
      }),
    ).toThrow(InvalidExportTimeError);
  });
});
