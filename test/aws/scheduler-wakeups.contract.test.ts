import { createSchedulerWakeups } from '../../src/adapters/scheduler/scheduler-wakeups.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { runWakeupsContract } from '../contracts/wakeups.contract.ts';
import { T0 } from '../support/cart-fixtures.ts';
import { createSchedulerStandIn } from './scheduler-standin.ts';

const clock = createManualClock(T0);
const scheduler = createSchedulerStandIn(clock.now);

runWakeupsContract({
  name: 'EventBridge Scheduler (over its stand-in)',
  async make() {
    clock.set(T0);
    scheduler.reset();
    return {
      wakeups: createSchedulerWakeups({
        client: scheduler.client,
        group: 'cr-wakeups',
        targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter',
        roleArn: 'arn:aws:iam::123456789012:role/cr-scheduler',
        clock,
      }),
      write: async () => {},
      async advanceTo(to) {
        clock.set(to);
        return scheduler.fireUntil(to);
      },
      failNext: () => scheduler.throttle(1),
      close: async () => scheduler.reset(),
    };
  },
});
