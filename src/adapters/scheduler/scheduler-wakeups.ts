/**
 * The one wake-up per cart as an EventBridge Scheduler one-time schedule (`at(...)`), named from
 * the cart id AND its fire time, deleting itself after it fires. The waiter re-reads the row on
 * every wake-up, so a schedule that fires late, twice, or after a checkout is harmless.
 *
 * Why the time is in the name: Scheduler deletes a fired schedule after the invocation, whenever
 * it gets to it, and the waiter it invoked re-arms the cart meanwhile. With one name per cart:
 *
 *   Scheduler  fire cr-<cart> ── invoke waiter ─────────────────────────── delete cr-<cart>
 *   waiter                        read row ─ mail step 1 ─ save ─ Create cr-<cart> (step 2)
 *                                                                     └─ deleted by the line above:
 *                                                                        no step 2, never expires
 *
 * With cr-<cart>-<second> the re-arm creates cr-<cart>-<t2> while cr-<cart>-<t1> deletes itself.
 * A name is only ever created for a second after now, and a schedule that has fired (or is still
 * deleting itself) has a second at or before now, so the two can never meet, whatever the order.
 *
 * Moving or cancelling needs the previous time, which the caller read from the row before its
 * write. Calls: a new cart 1 (Create), a re-arm after a wake-up 1 (its old schedule fired: no
 * Delete), a move before the timer fired 2 (Delete, Create), a cancel 1 or 0. A previous time
 * armed within PAST_DUE_DELAY_MS of its due time fires a few seconds late under a later name,
 * which the Delete misses: one extra, harmless wake-up.
 *
 * The flexible time window (off unless `flexibleWindowMinutes` is given): every wake-up held by
 * quiet hours is due at the same second (08:00), and with the window OFF Scheduler fires them all
 * in that second, a herd that meets the SES send rate and the waiter's concurrency at once. A
 * FLEXIBLE window of N minutes lets Scheduler spread them over [due, due + N min]: never early,
 * up to N minutes late. Safe for the waiter, which re-reads the row (a wake-up that comes late is
 * the case it already handles), but every reminder may then go out up to N minutes late, so it is
 * opt-in. The name still carries the due second; a schedule due at or before now that is still
 * waiting in its window is not deleted on a move (it looks fired), and wakes the cart once more,
 * harmlessly, as above.
 */
import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { type Clock, systemClock } from '../../ports/clock.ts';
import type { UsageCounter } from '../../ports/usage-counter.ts';
import { type Wakeups, WakeupsFaultError } from '../../ports/wakeups.ts';

/**
 * What this adapter throws: a failed Scheduler call (its SDK error as cause) or a window
 * Scheduler would refuse. A WakeupsFaultError, so callers need not know Scheduler.
 */
export class WakeupsError extends WakeupsFaultError {
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
  /** Scheduler's flexible time window in minutes (1-1440); undefined or 0: OFF, fire on time. */
  readonly flexibleWindowMinutes?: number;
}

/** Scheduler's bounds for MaximumWindowInMinutes. */
export const MAX_FLEXIBLE_WINDOW_MINUTES = 1440;

/**
 * The flexible window from its variable's text: unset, empty, `off` or `0` is OFF (undefined);
 * otherwise whole minutes from 1 to 1440. Throws naming the variable otherwise.
 */
export function parseFlexibleWindow(
  text: string | undefined,
  variable = 'CR_WAKEUP_WINDOW_MINUTES',
): number | undefined {
  const value = text?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'off' || value === '0') return undefined;
  const minutes = /^\d{1,4}$/.test(value) ? Number(value) : Number.NaN;
  if (!(minutes >= 1 && minutes <= MAX_FLEXIBLE_WINDOW_MINUTES)) {
    throw new WakeupsError(
      `${variable}: "${text}" must be off or whole minutes from 1 to ${MAX_FLEXIBLE_WINDOW_MINUTES}`,
    );
  }
  return minutes;
}

/** Scheduler refuses an `at` in the past; a due or overdue wake-up fires this soon instead. */
export const PAST_DUE_DELAY_MS = 5_000;

/**
 * The whole second (as ms) a schedule for `at` armed at `now` fires: rounded up so it never fires
 * before it is due, and at least PAST_DUE_DELAY_MS ahead, so always strictly after `now`.
 */
export function fireTime(at: number, now: number): number {
  return Math.ceil(Math.max(at, now + PAST_DUE_DELAY_MS) / 1000) * 1000;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC for the fire time. */
export function atExpression(at: number, now: number): string {
  return `at(${new Date(fireTime(at, now)).toISOString().slice(0, 19)})`;
}

/**
 * The name shared by every schedule of one cart, for ListSchedules' NamePrefix. 160 bits of
 * SHA-256: a collision needs about 2^80 carts, so two carts never share a timer. Hashed as UTF-8,
 * so `printf %s c_42 | sha256sum` finds a cart's schedules by hand.
 */
export function schedulePrefix(cartId: string): string {
  return `cr-${createHash('sha256').update(cartId, 'utf8').digest('hex').slice(0, 40)}-`;
}

/**
 * A valid schedule name (1-64 of [0-9a-zA-Z-_.]) for the cart's schedule firing at `at`, rounded
 * up to the second like the schedule itself: the prefix plus the epoch second in base 36 (at most
 * 9 characters before the year 5000, so at most 53 in all).
 */
export function scheduleName(cartId: string, at: number): string {
  return `${schedulePrefix(cartId)}${Math.ceil(at / 1000).toString(36)}`;
}

const nameOf = (error: unknown) => (error instanceof Error ? error.name : '');

export function createSchedulerWakeups(options: SchedulerWakeupsOptions): Wakeups {
  const { client, group, usage } = options;
  const clock = options.clock ?? systemClock;
  const retry = options.retry ?? { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86_400 };
  const window = options.flexibleWindowMinutes ?? 0;
  if (!Number.isInteger(window) || window < 0 || window > MAX_FLEXIBLE_WINDOW_MINUTES) {
    throw new WakeupsError(
      `flexibleWindowMinutes: ${window} must be whole minutes from 0 (off) to ${MAX_FLEXIBLE_WINDOW_MINUTES}`,
    );
  }
  const flexibleTimeWindow: CreateScheduleCommandInput['FlexibleTimeWindow'] =
    window === 0 ? { Mode: 'OFF' } : { Mode: 'FLEXIBLE', MaximumWindowInMinutes: window };

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

  function schedule(cartId: string, fireAt: number): CreateScheduleCommandInput {
    return {
      Name: scheduleName(cartId, fireAt),
      GroupName: group,
      ScheduleExpression: `at(${new Date(fireAt).toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: flexibleTimeWindow,
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

  async function remove(cartId: string, Name: string): Promise<void> {
    try {
      await call('DeleteSchedule', () =>
        client.send(new DeleteScheduleCommand({ Name, GroupName: group })),
      );
    } catch (error) {
      // Already gone: it fired and deleted itself, or was never armed. Cancelled either way.
      if (nameOf(error) !== 'ResourceNotFoundException') fail('DeleteSchedule', cartId, error);
    }
  }

  async function create(cartId: string, input: CreateScheduleCommandInput): Promise<void> {
    try {
      await call('CreateSchedule', () => client.send(new CreateScheduleCommand(input)));
    } catch (error) {
      // The name holds its fire time, and that time is still ahead (fireTime is after now): a
      // schedule by that name is one that will fire when this one would. A re-delivered arm.
      if (nameOf(error) !== 'ConflictException') fail('CreateSchedule', cartId, error);
    }
  }

  return {
    async set(cartId, at, previous) {
      if (at === previous) return;
      const now = clock.now();
      // A previous time still ahead has not fired: take it down first (before the create, so that
      // two writers racing on one cart can never delete each other's only schedule). One at or
      // before now has fired and is deleting itself, under a name nothing will create again.
      if (previous !== null && previous > now) await remove(cartId, scheduleName(cartId, previous));
      if (at !== null) await create(cartId, schedule(cartId, fireTime(at, now)));
    },
  };
}
