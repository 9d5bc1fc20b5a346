/**
 * The wake-ups of a function on EventBridge Scheduler (http, waiter, rearm), from the schedule
 * group, target and role the stack names. The only module of src/lambda/ that loads the
 * Scheduler client.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createSchedulerWakeups } from '../adapters/scheduler/scheduler-wakeups.ts';
import { AWS_RUNTIME_SETTINGS } from '../app/config-table-aws.ts';
import type { Wakeups } from '../ports/wakeups.ts';
import {
  clockOf,
  type Env,
  need,
  once,
  optional,
  type PartOptions,
  setting,
  withUsage,
} from './aws-env.ts';

export function schedulerWakeups(env: Env, options: PartOptions = {}): () => Wakeups {
  return once(() => {
    const deadLetterArn = optional(env, 'CR_SCHEDULE_DLQ_ARN');
    // Spreads held wake-ups (quiet hours ending for everyone at once) over a window, late not early.
    const flexibleWindowMinutes = setting(env, AWS_RUNTIME_SETTINGS.wakeupWindowMinutes);
    return createSchedulerWakeups({
      client: options.clients?.scheduler ?? new SchedulerClient({}),
      group: need(env, 'CR_SCHEDULE_GROUP'),
      targetArn: need(env, 'CR_WAITER_ARN'),
      roleArn: need(env, 'CR_SCHEDULER_ROLE_ARN'),
      ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
      ...(flexibleWindowMinutes === undefined ? {} : { flexibleWindowMinutes }),
      clock: clockOf(options),
      ...withUsage(options.usage),
    });
  });
}
