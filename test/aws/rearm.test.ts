/**
 * Rearm after a restore: the rows came back, the schedules did not. The rearm Lambda (and
 * `cart-recovery rearm` against AWS) walks the state table on DynamoDB Local and re-creates one
 * wake-up per open cart with a due time, at that time (overdue ones at once), and running it again
 * changes nothing. Scheduler is a stand-in at the SDK boundary that keeps Scheduler's rules.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDynamoDbCartStore } from '../../src/adapters/dynamodb/dynamodb-cart-store.ts';
import { main } from '../../src/cli/main.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { createRearmHandler, RearmInputError, rearmRuntime } from '../../src/lambda/rearm.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { HOUR, makeCart } from '../support/cart-fixtures.ts';

const DAY = 24 * HOUR;

import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { schedulerStandIn } from '../support/lambda-harness.ts';

const NOW = Date.parse('2026-11-23T10:00:00Z');
let emulator: DynamoDbLocal;
let dynamodb: DynamoDBClient;
let scheduler: ReturnType<typeof schedulerStandIn>;

beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  dynamodb = emulator.client();
}, 120_000);
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(() => {
  scheduler = schedulerStandIn();
  vi.spyOn(console, 'info').mockImplementation(() => {});
});
afterEach(() => {
  scheduler.mock.restore();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function restoredTable(carts: readonly Cart[]) {
  const tables = await createTables(dynamodb);
  const store = createDynamoDbCartStore({
    client: dynamodb,
    stateTable: tables.state,
    auditTable: tables.audit,
  });
  for (const cart of carts) {
    const saved = await store.save({ cart, expectedVersion: null, audit: [] });
    expect(saved.kind).toBe('saved');
  }
  return {
    CR_TABLE_STATE: tables.state,
    CR_TABLE_AUDIT: tables.audit,
    CR_SCHEDULE_GROUP: 'cr-wakeups',
    CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter',
    CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cr-scheduler',
  };
}

function handlerOn(env: Record<string, string>) {
  const runtime = rearmRuntime(env, {
    clients: { dynamodb, scheduler: new SchedulerClient({ region: 'eu-west-1' }) },
    clock: createManualClock(NOW),
  });
  return createRearmHandler(() => runtime);
}

/** Every live schedule, earliest first, as [cart id, fire time]. */
function drain(): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let s = scheduler.takeDue(Number.MAX_SAFE_INTEGER); s !== null; ) {
    out.push([(s.input as { cartId: string }).cartId, s.at]);
    s = scheduler.takeDue(Number.MAX_SAFE_INTEGER);
  }
  return out;
}

const CARTS = [
  makeCart({ id: 'c_later', wakeAt: NOW + 3 * HOUR }),
  makeCart({ id: 'c_overdue', wakeAt: NOW - 2 * HOUR }),
  makeCart({ id: 'c_idle', wakeAt: null }),
  makeCart({ id: 'c_bought', status: 'bought', boughtAt: NOW - HOUR, wakeAt: null }),
  // Ended, its data still kept: its one wake-up is the end of CR_RETAIN_CARTS.
  makeCart({ id: 'c_kept', status: 'bought', boughtAt: NOW - HOUR, wakeAt: NOW + 89 * DAY }),
  makeCart({ id: 'c_closed', status: 'closed', closedReason: 'written_off', wakeAt: null }),
];

describe('rearm on AWS', () => {
  it("re-creates each open cart's wake-up from its row, overdue ones at once", async () => {
    const handler = handlerOn(await restoredTable(CARTS));
    const report = await handler({});
    expect(report).toEqual({ open: 3, ended: 1, armed: 3, idle: 1, pages: 1, next: null });
    const live = drain();
    expect(live.map(([id]) => id)).toEqual(['c_overdue', 'c_later', 'c_kept']);
    expect(live[1]?.[1]).toBe(NOW + 3 * HOUR);
    // Scheduler refuses a time in the past: the overdue cart fires within seconds of now.
    expect(live[0]?.[1]).toBeGreaterThan(NOW);
    expect(live[0]?.[1]).toBeLessThan(NOW + 60_000);
  });

  it('is safe to run twice: the second run arms nothing new', async () => {
    const handler = handlerOn(await restoredTable(CARTS));
    await handler({});
    const first = scheduler.size;
    await expect(handler({})).resolves.toMatchObject({ armed: 3 });
    expect(scheduler.size).toBe(first);
    expect(scheduler.calls.DeleteSchedule ?? 0).toBe(0);
  });

  it('stops near its time limit with a cursor, and the next run goes on from it', async () => {
    const many = Array.from({ length: 130 }, (_, i) =>
      makeCart({ id: `c_many_${i}`, wakeAt: NOW + (i + 1) * HOUR }),
    );
    const handler = handlerOn(await restoredTable(many));
    const first = await handler({}, { getRemainingTimeInMillis: () => 1_000 });
    expect(first.pages).toBe(1);
    expect(first.next).not.toBeNull();
    const rest = await handler({ after: first.next });
    expect(rest.next).toBeNull();
    expect(first.armed + rest.armed).toBe(130);
    expect(new Set(drain().map(([id]) => id)).size).toBe(130);
  });

  it('refuses an input it cannot mean, rather than walking the table from the start', async () => {
    const handler = handlerOn(await restoredTable([]));
    for (const bad of [{ after: 5 }, { after: '' }, { cursor: 'x' }, [], 'go']) {
      await expect(handler(bad), JSON.stringify(bad)).rejects.toBeInstanceOf(RearmInputError);
    }
    expect(scheduler.calls.CreateSchedule ?? 0).toBe(0);
  });

  it('runs as `cart-recovery rearm` against AWS when the table variables are set', async () => {
    const env = await restoredTable(CARTS);
    // The command builds default clients: the standard variables point them at the emulator.
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', emulator.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    expect(await main(['rearm', '--json'], { ...process.env, ...env })).toBe(0);
    expect(lines.join('')).toContain(
      "3 open cart(s) read, 3 wake-up(s) armed (1 of them an ended cart's retention end)",
    );
    // The system clock here: the order of the two fire times depends on today's date.
    expect(
      drain()
        .map(([id]) => id)
        .sort(),
    ).toEqual(['c_kept', 'c_later', 'c_overdue']);
  });
});
