import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSchedulerWakeups,
  fireTime,
  PAST_DUE_DELAY_MS,
  parseFlexibleWindow,
  scheduleName,
  schedulePrefix,
  WakeupsError,
} from '../../src/adapters/scheduler/scheduler-wakeups.ts';
import { createUsageCounter } from '../../src/adapters/usage/usage-counter.ts';

const scheduler = mockClient(SchedulerClient);
const NOW = Date.UTC(2026, 10, 23, 7, 58, 0);
const meta = { $metadata: {} };

function make(deadLetterArn?: string, flexibleWindowMinutes?: number) {
  const usage = createUsageCounter();
  const wakeups = createSchedulerWakeups({
    ...(flexibleWindowMinutes === undefined ? {} : { flexibleWindowMinutes }),
    client: new SchedulerClient({ region: 'eu-west-1' }),
    group: 'cr-wakeups',
    targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter',
    roleArn: 'arn:aws:iam::123456789012:role/cr-scheduler',
    ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
    usage,
    clock: { now: () => NOW },
  });
  return { wakeups, usage };
}

const HOUR = 3_600_000;
const conflict = () => new ConflictException({ message: 'exists', Message: 'exists', ...meta });
const notFound = () => new ResourceNotFoundException({ message: 'none', Message: 'none', ...meta });

const expectedSchedule = (expression: string, fireAt: number, cartId = 'c_42') => ({
  Name: scheduleName(cartId, fireAt),
  GroupName: 'cr-wakeups',
  ScheduleExpression: expression,
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  State: 'ENABLED',
  Target: {
    Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter',
    RoleArn: 'arn:aws:iam::123456789012:role/cr-scheduler',
    Input: JSON.stringify({ cartId }),
    RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
  },
});

/** Every call the client got, in order, as "Operation name". */
const calls = () =>
  scheduler.calls().map((c) => {
    const command = c.args[0] as { constructor: { name: string }; input: { Name?: string } };
    return `${command.constructor.name.replace(/Command$/, '')} ${command.input.Name}`;
  });

describe('EventBridge Scheduler wake-ups', () => {
  beforeEach(() => {
    scheduler.reset();
  });

  it('arms a new cart with one CreateSchedule carrying the whole one-time schedule', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:x', ...meta });
    const { wakeups, usage } = make();
    const at = Date.UTC(2026, 10, 23, 8, 58, 0);
    await wakeups.set('c_42', at, null);
    const created = scheduler.commandCalls(CreateScheduleCommand);
    expect(created).toHaveLength(1);
    expect(created[0]?.args[0].input).toEqual(expectedSchedule('at(2026-11-23T08:58:00)', at));
    expect(usage.snapshot().scheduler).toEqual({ CreateSchedule: 1 });
  });

  it('rounds up to the next whole second, so a wake-up never fires before it is due', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    await make().wakeups.set('c_42', Date.UTC(2026, 10, 23, 8, 58, 0) + 1, null);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      ScheduleExpression: 'at(2026-11-23T08:58:01)',
      Name: scheduleName('c_42', Date.UTC(2026, 10, 23, 8, 58, 1)),
    });
  });

  it('schedules a wake-up that is already due a few seconds from now, named for that second', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    await make().wakeups.set('c_42', NOW - HOUR, null);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      ScheduleExpression: 'at(2026-11-23T07:58:05)',
      Name: scheduleName('c_42', NOW + PAST_DUE_DELAY_MS),
    });
  });

  it('moves an unfired wake-up: deletes the old schedule, then creates the new one', async () => {
    scheduler.on(DeleteScheduleCommand).resolves(meta);
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:x', ...meta });
    const { wakeups, usage } = make('arn:aws:sqs:eu-west-1:123456789012:cr-dlq');
    const at = Date.UTC(2026, 10, 24, 9, 0, 0);
    await wakeups.set('c_42', at, NOW + HOUR);
    expect(calls()).toEqual([
      `DeleteSchedule ${scheduleName('c_42', NOW + HOUR)}`,
      `CreateSchedule ${scheduleName('c_42', at)}`,
    ]);
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: scheduleName('c_42', NOW + HOUR),
      GroupName: 'cr-wakeups',
    });
    const base = expectedSchedule('at(2026-11-24T09:00:00)', at);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toEqual({
      ...base,
      Target: {
        ...base.Target,
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:cr-dlq' },
      },
    });
    expect(usage.snapshot().totals.schedulerCalls).toBe(2);
  });

  it('re-arms after a wake-up with one Create: the fired schedule deletes itself, under another name', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    const { wakeups, usage } = make();
    await wakeups.set('c_42', NOW + 24 * HOUR, NOW - 1_000);
    await wakeups.set('c_42', NOW + 24 * HOUR, NOW);
    expect(calls()).toEqual([
      `CreateSchedule ${scheduleName('c_42', NOW + 24 * HOUR)}`,
      `CreateSchedule ${scheduleName('c_42', NOW + 24 * HOUR)}`,
    ]);
    expect(usage.snapshot().scheduler).toEqual({ CreateSchedule: 2 });
  });

  it('takes a re-delivered arm (ConflictException: that schedule is armed) as done', async () => {
    scheduler.on(CreateScheduleCommand).rejects(conflict());
    const { wakeups, usage } = make();
    await expect(wakeups.set('c_42', NOW + HOUR, null)).resolves.toBeUndefined();
    expect(usage.snapshot().scheduler).toEqual({ CreateSchedule: 1 });
  });

  it('makes no call when the time does not change', async () => {
    const { wakeups, usage } = make();
    await wakeups.set('c_42', NOW + HOUR, NOW + HOUR);
    await wakeups.set('c_42', NOW - HOUR, NOW - HOUR);
    await wakeups.set('c_42', null, null);
    expect(scheduler.calls()).toHaveLength(0);
    expect(usage.snapshot().totals.schedulerCalls).toBe(0);
  });

  it('moves within the same second by deleting and creating that one name', async () => {
    scheduler.on(DeleteScheduleCommand).resolves(meta);
    scheduler.on(CreateScheduleCommand).resolves(meta);
    const second = Date.UTC(2026, 10, 23, 9, 0, 0);
    await make().wakeups.set('c_42', second - 100, second - 700);
    expect(calls()).toEqual([
      `DeleteSchedule ${scheduleName('c_42', second)}`,
      `CreateSchedule ${scheduleName('c_42', second)}`,
    ]);
  });

  it('cancels an unfired wake-up with DeleteSchedule; one already gone is not an error', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(notFound());
    await make().wakeups.set('c_42', null, NOW + HOUR);
    expect(calls()).toEqual([`DeleteSchedule ${scheduleName('c_42', NOW + HOUR)}`]);
  });

  it('cancels a fired wake-up with no call: it deletes itself', async () => {
    await make().wakeups.set('c_42', null, NOW);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it('turns throttling into a WakeupsError that names the call and keeps the cause', async () => {
    const throttled = new ThrottlingException({
      message: 'Rate exceeded',
      Message: 'Rate exceeded',
      ...meta,
    });
    scheduler.on(CreateScheduleCommand).rejects(throttled);
    scheduler.on(DeleteScheduleCommand).rejects(throttled);
    const { wakeups } = make();
    const arm = wakeups.set('c_42', NOW + 60_000, null);
    await expect(arm).rejects.toBeInstanceOf(WakeupsError);
    await expect(arm).rejects.toMatchObject({ name: 'WakeupsError', cause: throttled });
    await expect(wakeups.set('c_42', null, NOW + 60_000)).rejects.toThrow(
      /DeleteSchedule.*c_42.*ThrottlingException/,
    );
    // A failed delete stops the move: the caller's retry sees the same previous time again.
    scheduler.resetHistory();
    await expect(wakeups.set('c_42', NOW + HOUR, NOW + 60_000)).rejects.toThrow(/DeleteSchedule/);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('derives a valid, stable name from any cart id and time, distinct per cart and per second', () => {
    const far = 8_640_000_000_000_000; // the last instant a Date can hold
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        fc.integer({ min: NOW, max: far }),
        fc.integer({ min: NOW, max: far }),
        (a, b, t, u) => {
          const name = scheduleName(a, t);
          expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
          expect(name.startsWith(schedulePrefix(a))).toBe(true);
          expect(scheduleName(a, t)).toBe(name);
          // The name carries the second it fires (rounded up like the schedule).
          expect(Number.parseInt(name.slice(schedulePrefix(a).length), 36)).toBe(
            Math.ceil(t / 1000),
          );
          if (a !== b) expect(scheduleName(b, t)).not.toBe(name);
          if (Math.ceil(t / 1000) !== Math.ceil(u / 1000)) {
            expect(scheduleName(a, u)).not.toBe(name);
          }
        },
      ),
    );
    expect(scheduleName('c_42', NOW)).not.toBe(scheduleName('C_42', NOW));
    expect(scheduleName('c_42', NOW)).toBe(scheduleName('c_42', NOW - 999));
    expect(scheduleName('', far)).toMatch(/^cr-[0-9a-f]{40}-[0-9a-z]{1,9}$/);
  });

  it('never names a new schedule for a second at or before now, whatever time it is given', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 * NOW }),
        fc.integer({ min: 0, max: 2 * NOW }),
        (at, now) => {
          expect(fireTime(at, now)).toBeGreaterThan(now);
          expect(fireTime(at, now)).toBeGreaterThanOrEqual(at);
          expect(fireTime(at, now) % 1000).toBe(0);
        },
      ),
    );
  });
});

describe('EventBridge Scheduler flexible time window', () => {
  beforeEach(() => {
    scheduler.reset();
  });

  it('fires on the second by default (window OFF)', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    await make().wakeups.set('c_42', NOW + HOUR, null);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
  });

  it('spreads wake-ups over a window when given one, after the due second, never before', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    const at = Date.UTC(2026, 10, 24, 8, 0, 0);
    await make(undefined, 20).wakeups.set('c_42', at, null);
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(input?.FlexibleTimeWindow).toEqual({ Mode: 'FLEXIBLE', MaximumWindowInMinutes: 20 });
    // The window opens at the due second: the schedule and its name are the same as without one.
    expect(input?.ScheduleExpression).toBe('at(2026-11-24T08:00:00)');
    expect(input?.Name).toBe(scheduleName('c_42', at));
  });

  it('takes 0 as OFF and refuses a window Scheduler would refuse', () => {
    expect(() => make(undefined, 0)).not.toThrow();
    for (const bad of [-1, 1.5, 1441, Number.NaN]) {
      expect(() => make(undefined, bad), String(bad)).toThrow(WakeupsError);
    }
  });

  it('reads the window from its variable: off, 0 or unset is OFF, else 1-1440 minutes', () => {
    for (const off of [undefined, '', ' ', 'off', 'OFF', '0']) {
      expect(parseFlexibleWindow(off), String(off)).toBeUndefined();
    }
    expect(parseFlexibleWindow('15')).toBe(15);
    expect(parseFlexibleWindow(' 1440 ')).toBe(1440);
    for (const bad of ['1441', '-5', '1.5', '15m', 'soon']) {
      expect(() => parseFlexibleWindow(bad), bad).toThrow(/CR_WAKEUP_WINDOW_MINUTES: .* 1 to 1440/);
    }
  });
});
