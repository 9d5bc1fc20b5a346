import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSchedulerWakeups,
  scheduleName,
  WakeupsError,
} from '../../src/adapters/aws/scheduler-wakeups.ts';
import { createUsageCounter } from '../../src/adapters/aws/usage-counter.ts';

const scheduler = mockClient(SchedulerClient);
const NOW = Date.UTC(2026, 10, 23, 7, 58, 0);
const meta = { $metadata: {} };

function make(deadLetterArn?: string) {
  const usage = createUsageCounter();
  const wakeups = createSchedulerWakeups({
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

const expectedSchedule = (expression: string, cartId = 'c_42') => ({
  Name: scheduleName(cartId),
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

describe('EventBridge Scheduler wake-ups', () => {
  beforeEach(() => {
    scheduler.reset();
  });

  it('arms a new cart with one CreateSchedule carrying the whole one-time schedule', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:x', ...meta });
    const { wakeups, usage } = make();
    await wakeups.set('c_42', Date.UTC(2026, 10, 23, 8, 58, 0));
    const calls = scheduler.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual(expectedSchedule('at(2026-11-23T08:58:00)'));
    expect(usage.snapshot().scheduler).toEqual({ CreateSchedule: 1 });
  });

  it('rounds up to the next whole second, so a wake-up never fires before it is due', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    await make().wakeups.set('c_42', Date.UTC(2026, 10, 23, 8, 58, 0) + 1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.ScheduleExpression).toBe(
      'at(2026-11-23T08:58:01)',
    );
  });

  it('moves an armed wake-up: Create meets ConflictException, then Update sends the whole schedule', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', ...meta }));
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:x', ...meta });
    const { wakeups, usage } = make('arn:aws:sqs:eu-west-1:123456789012:cr-dlq');
    await wakeups.set('c_42', Date.UTC(2026, 10, 24, 9, 0, 0));
    const update = scheduler.commandCalls(UpdateScheduleCommand)[0]?.args[0].input;
    const base = expectedSchedule('at(2026-11-24T09:00:00)');
    expect(update).toEqual({
      ...base,
      Target: {
        ...base.Target,
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:cr-dlq' },
      },
    });
    expect(usage.snapshot().totals.schedulerCalls).toBe(2);
  });

  it('creates again when the schedule fired and deleted itself between Create and Update', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(new ConflictException({ message: 'exists', Message: 'exists', ...meta }))
      .resolves(meta);
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', ...meta }));
    await make().wakeups.set('c_42', NOW + 60_000);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(2);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
  });

  it('schedules a wake-up that is already due a few seconds from now (Scheduler refuses the past)', async () => {
    scheduler.on(CreateScheduleCommand).resolves(meta);
    await make().wakeups.set('c_42', NOW - 3_600_000);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.ScheduleExpression).toBe(
      'at(2026-11-23T07:58:05)',
    );
  });

  it('cancels with DeleteSchedule, and a schedule that is already gone is not an error', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', Message: 'none', ...meta }));
    await make().wakeups.set('c_42', null);
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: scheduleName('c_42'),
      GroupName: 'cr-wakeups',
    });
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
    const arm = wakeups.set('c_42', NOW + 60_000);
    await expect(arm).rejects.toBeInstanceOf(WakeupsError);
    await expect(arm).rejects.toMatchObject({ name: 'WakeupsError', cause: throttled });
    await expect(wakeups.set('c_42', null)).rejects.toThrow(
      /DeleteSchedule.*c_42.*ThrottlingException/,
    );
  });

  it('derives a valid, stable, distinct schedule name from any cart id', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        (a, b) => {
          const name = scheduleName(a);
          expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
          expect(scheduleName(a)).toBe(name);
          if (a !== b) expect(scheduleName(b)).not.toBe(name);
        },
      ),
    );
    expect(scheduleName('c_42')).not.toBe(scheduleName('C_42'));
  });
});
