/**
 * The Lambda runtime passes CR_WAKEUP_WINDOW_MINUTES (set by the stack's wakeupWindowMinutes) to
 * the Scheduler adapter: every wake-up it arms has that flexible window, and without the variable
 * none has. Scheduler is mocked at the SDK boundary.
 */
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsEnvironmentError } from '../../src/lambda/aws-env.ts';
import { createAwsRuntime } from '../../src/lambda/aws-runtime.ts';

const scheduler = mockClient(SchedulerClient);
afterAll(() => scheduler.restore());
beforeEach(() => {
  scheduler.reset();
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:x' });
});

const ENV = {
  CR_TABLE_STATE: 'cr-state',
  CR_TABLE_AUDIT: 'cr-audit',
  CR_TABLE_UNSUBSCRIBE: 'cr-unsubscribe',
  CR_SCHEDULE_GROUP: 'cr-wakeups',
  CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:1:function:cr-waiter',
  CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/cr-scheduler',
  CR_PUBLIC_URL: 'https://x.lambda-url.eu-west-1.on.aws',
};

async function windowOfArmedWakeup(env: Record<string, string>) {
  const runtime = createAwsRuntime(
    { ...ENV, ...env },
    { clients: { scheduler: new SchedulerClient({ region: 'eu-west-1', maxAttempts: 1 }) } },
  );
  await runtime.wakeups.set('c_1', Date.parse('2030-01-01T08:00:00Z'), null);
  return scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input.FlexibleTimeWindow;
}

describe('CR_WAKEUP_WINDOW_MINUTES on AWS', () => {
  it('arms wake-ups with the flexible window it names', async () => {
    expect(await windowOfArmedWakeup({ CR_WAKEUP_WINDOW_MINUTES: '15' })).toEqual({
      Mode: 'FLEXIBLE',
      MaximumWindowInMinutes: 15,
    });
  });

  it('keeps the window off without it', async () => {
    expect(await windowOfArmedWakeup({})).toEqual({ Mode: 'OFF' });
  });

  it('reads off or 0 as no window, and refuses anything else in one line naming the variable', async () => {
    expect(await windowOfArmedWakeup({ CR_WAKEUP_WINDOW_MINUTES: 'OFF' })).toEqual({ Mode: 'OFF' });
    expect(await windowOfArmedWakeup({ CR_WAKEUP_WINDOW_MINUTES: '0' })).toEqual({ Mode: 'OFF' });
    for (const bad of ['soon', '1441', '1.5']) {
      await expect(windowOfArmedWakeup({ CR_WAKEUP_WINDOW_MINUTES: bad })).rejects.toThrow(
        new AwsEnvironmentError(
          `CR_WAKEUP_WINDOW_MINUTES: "${bad}" must be off or whole minutes from 1 to 1440`,
        ),
      );
    }
  });
});
