/**
 * The one wake-up per cart as an EventBridge Scheduler one-time schedule (`at(...)`), named from
 * the cart id and deleting itself after it fires. The waiter re-reads the row on every wake-up,
 * so a schedule that fires late, twice, or after a checkout is harmless.
 */
import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { Wakeups } from '../../ports/wakeups.ts';
import type { UsageCounter } from './usage-counter.ts';

export class WakeupsError extends Error {
  override name = 'WakeupsError';
}

export interface SchedulerWakeupsOptions {
  readonly client: SchedulerClient;
  /** The schedule group (CR_SCHEDULE_GROUP). */
  readonly group: string;
  /** The waiter Lambda (CR_WAITER_ARN). */
  readonly targetArn: string;
  /** The role Scheduler assumes to invoke it (CR_SCHEDULER_ROLE_ARN). */
  readonly roleArn: string;
  readonly deadLetterArn?: string;
  readonly usage?: UsageCounter;
  readonly clock?: Clock;
  readonly retry?: {
    readonly maximumRetryAttempts: number;
    readonly maximumEventAgeInSeconds: number;
  };
}

/** Scheduler refuses an `at` in the past; a due or overdue wake-up fires this soon instead. */
export const PAST_DUE_DELAY_MS = 5_000;

/**
 * A valid schedule name (1-64 of [0-9a-zA-Z-_.]) for any cart id, stable across processes.
 * 160 bits of SHA-256: a collision needs about 2^80 carts, so two carts never share a timer.
 * Hashed as UTF-8, so `printf %s c_42 | sha256sum` finds a cart's schedule by hand.
 */
export function scheduleName(cartId: string): string {
  return `cr-${createHash('sha256').update(cartId, 'utf8').digest('hex').slice(0, 40)}`;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the whole second so it never fires early. */
export function atExpression(at: number, now: number): string {
  const when = Math.ceil(Math.max(at, now + PAST_DUE_DELAY_MS) / 1000) * 1000;
  return `at(${new Date(when).toISOString().slice(0, 19)})`;
}

const nameOf = (error: unknown) => (error instanceof Error ? error.name : '');

export function createSchedulerWakeups(options: SchedulerWakeupsOptions): Wakeups {
  const { client, group, usage } = options;
  const clock = options.clock ?? systemClock;
  const retry = options.retry ?? { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };

  async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    usage?.recordCall('scheduler', operation);
    return send();
  }

  function fail(operation: string, cartId: string, error: unknown): never {
    throw new WakeupsError(
      `EventBridge Scheduler ${operation} for cart ${cartId} in group ${group} failed: ${nameOf(error) || String(error)}`,
      { cause: error },
    );
  }

  function schedule(cartId: string, at: number): CreateScheduleCommandInput {
    return {
      Name: scheduleName(cartId),
      GroupName: group,
      ScheduleExpression: atExpression(at, clock.now()),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: options.targetArn,
        RoleArn: options.roleArn,
        Input: JSON.stringify({ cartId }),
        RetryPolicy: {
          MaximumRetryAttempts: retry.maximumRetryAttempts,
          MaximumEventAgeInSeconds: retry.maximumEventAgeInSeconds,
        },
        ...(options.deadLetterArn === undefined
          ? {}
          : { DeadLetterConfig: { Arn: options.deadLetterArn } }),
      },
    };
  }

  return {
    async set(cartId, at) {
      const Name = scheduleName(cartId);
      if (at === null) {
        try {
          await call('DeleteSchedule', () =>
            client.send(new DeleteScheduleCommand({ Name, GroupName: group })),
          );
        } catch (error) {
          // Already gone: it fired and deleted itself, or was never armed. Cancelled either way.
          if (nameOf(error) !== 'ResourceNotFoundException') fail('DeleteSchedule', cartId, error);
        }
        return;
      }
      // Create first, Update on ConflictException. A fired schedule deletes itself, so the common
      // re-arms find none: a new cart (1 call), the waiter arming the next step after a wake-up
      // (1 call), a stop-then-reopen (1 call). Only a shopper's follow-up event before the timer
      // fires finds one (2 calls). Update-first would cost 2 calls on every re-arm after a wake-up.
      const input = schedule(cartId, at);
      try {
        await call('CreateSchedule', () => client.send(new CreateScheduleCommand(input)));
        return;
      } catch (error) {
        if (nameOf(error) !== 'ConflictException') fail('CreateSchedule', cartId, error);
      }
      try {
        // UpdateSchedule replaces the whole schedule, so it gets every field again.
        await call('UpdateSchedule', () => client.send(new UpdateScheduleCommand(input)));
      } catch (error) {
        if (nameOf(error) !== 'ResourceNotFoundException') fail('UpdateSchedule', cartId, error);
        // It fired and deleted itself between our two calls: create it once more.
        try {
          await call('CreateSchedule', () => client.send(new CreateScheduleCommand(input)));
        } catch (again) {
          fail('CreateSchedule', cartId, again);
        }
      }
    },
  };
}
