/**
 * Re-creates the wake-up of every open cart from the state table (src/app/rearm.ts): run it by
 * hand after a point-in-time restore, or after anything deleted schedules. Not scheduled.
 *
 *   aws lambda invoke --function-name cr-rearm out.json            # the whole table
 *   aws lambda invoke --function-name cr-rearm --payload '{"after":"<next>"}' out.json
 *
 * A run stops a minute before its time limit and answers `next`; invoke again with it to go on.
 * Safe to repeat: arming an armed cart changes nothing.
 */
import { createRearm, type Rearm, type RearmReport } from '../app/rearm.ts';
import { dynamoDbParts } from './aws-dynamodb.ts';
import { type Env, once, type PartOptions } from './aws-env.ts';
import { schedulerWakeups } from './aws-scheduler.ts';

/** Pages of 100 items read, checked against the time left between pages. */
const PAGE = 100;
const MARGIN_MS = 60_000;

export class RearmInputError extends Error {
  override readonly name = 'RearmInputError';
}

/** `{}` or `{"after":"<cursor>"}`; anything else is refused (a typo must not restart the walk). */
export function parseRearmInput(event: unknown): string | null {
  if (event === undefined || event === null) return null;
  if (typeof event !== 'object' || Array.isArray(event)) {
    throw new RearmInputError('rearm input must be {} or {"after":"<next of the last run>"}');
  }
  const { after, ...rest } = event as Record<string, unknown>;
  if (Object.keys(rest).length > 0) {
    throw new RearmInputError(`rearm input: unknown field "${Object.keys(rest)[0]}"`);
  }
  if (after === undefined || after === null) return null;
  if (typeof after !== 'string' || after === '') {
    throw new RearmInputError('rearm input: "after" must be the "next" string of the last run');
  }
  return after;
}

/** The cart store and Scheduler: this function's bundle loads those two clients only. */
export function rearmRuntime(env: Env, options: PartOptions = {}): Rearm {
  const dynamo = dynamoDbParts(env, options);
  const wakeups = schedulerWakeups(env, options);
  return createRearm({
    store: { cartsToRearm: (after, limit) => dynamo.store().cartsToRearm(after, limit) },
    wakeups: { set: (cartId, at, previous) => wakeups().set(cartId, at, previous) },
  });
}

interface TimeLeft {
  getRemainingTimeInMillis?: () => number;
}

export function createRearmHandler(rearm: () => Rearm) {
  return async (event: unknown, context?: TimeLeft): Promise<RearmReport> => {
    let after = parseRearmInput(event);
    const total = { open: 0, ended: 0, armed: 0, idle: 0, pages: 0 };
    const timeLeft = () => context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    do {
      const report = await rearm()({ after, pageSize: PAGE, maxPages: 1 });
      total.open += report.open;
      total.ended += report.ended;
      total.armed += report.armed;
      total.idle += report.idle;
      total.pages += report.pages;
      after = report.next;
    } while (after !== null && timeLeft() > MARGIN_MS);
    const result = { ...total, next: after };
    console.info(`[rearm] ${JSON.stringify(result)}`);
    return result;
  };
}

export const handler = createRearmHandler(once(() => rearmRuntime(process.env)));
