/**
 * The self-delete race, as a property. Scheduler deletes a fired one-time schedule some time after
 * it fires, in no order with anything the waiter does meanwhile. Here a fake Scheduler (at the SDK
 * boundary) keeps the live schedules by name, fires the due ones when time passes, and lands each
 * self-delete (by name, like the real one) at a random later point. Whatever the interleaving,
 * the cart's wake-up must survive: no lost timer, and no stale schedule that outlives a few seconds.
 */
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  type DeleteScheduleCommandInput,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  createSchedulerWakeups,
  fireTime,
  PAST_DUE_DELAY_MS,
  scheduleName,
} from '../../src/adapters/scheduler/scheduler-wakeups.ts';

const scheduler = mockClient(SchedulerClient);
const START = Date.UTC(2026, 10, 23, 7, 58, 0, 123);
const HOUR = 3_600_000;

function fakeScheduler() {
  const live = new Map<string, { fireAt: number; fired: boolean }>();
  const selfDeletes: string[] = [];
  const fired: Array<{ name: string; at: number }> = [];
  const error = (name: string) => Object.assign(new Error(name), { name });
  scheduler.on(CreateScheduleCommand).callsFake((input: CreateScheduleCommandInput) => {
    const name = input.Name ?? '';
    if (live.has(name)) throw error('ConflictException');
    const fireAt = Date.parse(`${input.ScheduleExpression?.slice('at('.length, -1)}Z`);
    live.set(name, { fireAt, fired: false });
    return { ScheduleArn: `arn:schedule/${name}` };
  });
  scheduler.on(DeleteScheduleCommand).callsFake((input: DeleteScheduleCommandInput) => {
    if (!live.delete(input.Name ?? '')) throw error('ResourceNotFoundException');
    return {};
  });
  return {
    live,
    fired,
    /** Time passes: every due schedule fires; its delete is queued, not done. */
    tick(now: number) {
      for (const [name, schedule] of live) {
        if (schedule.fired || schedule.fireAt > now) continue;
        schedule.fired = true;
        fired.push({ name, at: now });
        selfDeletes.push(name);
      }
    },
    /** Scheduler gets round to one queued self-delete: it deletes whatever has that name now. */
    landOne(pick: number) {
      const [name] = selfDeletes.splice(pick % Math.max(1, selfDeletes.length), 1);
      if (name !== undefined) live.delete(name);
    },
    landAll() {
      for (const name of selfDeletes.splice(0)) live.delete(name);
    },
  };
}

type Op =
  | { readonly kind: 'set'; readonly offset: number | null; readonly reuse: number | null }
  | { readonly kind: 'advance'; readonly ms: number }
  | { readonly kind: 'land'; readonly pick: number };

const opArb = (offset: fc.Arbitrary<number>): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({
      kind: fc.constant('set' as const),
      offset: fc.option(offset, { freq: 5 }),
      reuse: fc.option(fc.nat(), { freq: 2 }),
    }),
    fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 7_000 }), fc.integer({ min: 0, max: 3 * HOUR })),
    }),
    fc.record({ kind: fc.constant('land' as const), pick: fc.nat() }),
  );

/** Any time relative to now: past, within the few past-due seconds, an hour or more ahead. */
const anyOffset = fc.oneof(
  fc.integer({ min: -2 * HOUR, max: 3 * HOUR }),
  fc.integer({ min: -7_000, max: 7_000 }),
);
/** Only times Scheduler can take as given: whole seconds, more than PAST_DUE_DELAY_MS ahead. */
const plainOffset = fc.integer({ min: PAST_DUE_DELAY_MS + 1_000, max: 3 * HOUR });

async function run(cartId: string, ops: readonly Op[], plain: boolean) {
  const fake = fakeScheduler();
  let now = START;
  const wakeups = createSchedulerWakeups({
    client: new SchedulerClient({ region: 'eu-west-1' }),
    group: 'cr-wakeups',
    targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter',
    roleArn: 'arn:aws:iam::123456789012:role/cr-scheduler',
    clock: { now: () => now },
  });
  const history: number[] = [];
  let row: number | null = null;
  let expected: { name: string; armedAt: number } | null = null;
  for (const op of ops) {
    if (op.kind === 'advance') {
      now += op.ms;
      fake.tick(now);
    } else if (op.kind === 'land') {
      fake.landOne(op.pick);
    } else {
      const reused = op.reuse === null ? undefined : history[op.reuse % history.length];
      let at = op.offset === null ? null : (reused ?? now + op.offset);
      if (plain && at !== null) {
        at = Math.ceil(at / 1000) * 1000;
        if (at < now + PAST_DUE_DELAY_MS + 1_000) continue;
      }
      // The caller's contract: previous is the time the row held before this write.
      await wakeups.set(cartId, at, row);
      if (at !== row) {
        expected =
          at === null ? null : { name: scheduleName(cartId, fireTime(at, now)), armedAt: now };
      }
      if (at !== null) history.push(at);
      row = at;
    }
  }
  fake.landAll();
  return { fake, now, expected };
}

describe('Scheduler wake-ups against delayed self-deletes', () => {
  beforeEach(() => {
    scheduler.reset();
  });

  it('never loses the wake-up, and a stale schedule never outlives a few seconds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.array(opArb(anyOffset), { maxLength: 40 }),
        async (cartId, ops) => {
          scheduler.reset();
          const { fake, now, expected } = await run(cartId, ops, false);
          if (expected !== null) {
            // Still to fire, or it did fire, after it was armed (not some older namesake).
            const waiting = fake.live.get(expected.name)?.fired === false;
            const woke = fake.fired.some(
              (f) => f.name === expected.name && f.at > expected.armedAt,
            );
            expect(waiting || woke).toBe(true);
          }
          for (const [name, schedule] of fake.live) {
            if (name === expected?.name) continue;
            expect(schedule.fireAt).toBeLessThanOrEqual(now + PAST_DUE_DELAY_MS + 1_000);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('leaves exactly the last armed schedule, or none after a cancel, for plain times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.array(opArb(plainOffset), { maxLength: 40 }),
        async (cartId, ops) => {
          scheduler.reset();
          const { fake, expected } = await run(cartId, ops, true);
          const waiting = [...fake.live.keys()];
          const woke = fake.fired.some((f) => f.name === expected?.name && f.at > expected.armedAt);
          if (expected === null || woke) {
            expect(waiting).toEqual([]);
          } else {
            expect(waiting).toEqual([expected.name]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
