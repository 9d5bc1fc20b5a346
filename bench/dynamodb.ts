/**
 * What one cart event and one reminder cost on AWS, measured, not guessed: the real AWS
 * composition root (src/lambda/aws-runtime.ts) over DynamoDB Local with ReturnConsumedCapacity on
 * every call (the usage counter), and EventBridge Scheduler / SES replaced at the SDK boundary by
 * stand-ins that count calls and keep Scheduler's rules (Create on an existing name is a
 * ConflictException, a one-time schedule deletes itself once it has fired).
 *
 * Per cart, for N carts, phase by phase (the counter is reset between phases and divided by N):
 * the first event of a cart, a later update, a duplicate delivery of that update, one wake-up
 * that sends a reminder, and the checkout.
 */
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  auditTableDefinition,
  stateTableDefinition,
  unsubscribeTableDefinition,
} from '../src/adapters/dynamodb/dynamodb-tables.ts';
import { createUsageCounter, type UsageSnapshot } from '../src/adapters/usage/usage-counter.ts';
import { parseCartEvent } from '../src/domain/events.ts';
import { createAwsRuntime } from '../src/lambda/aws-runtime.ts';
import { createManualClock } from '../src/ports/clock.ts';
import { startDynamoDbLocal } from '../test/support/dynamodb-local.ts';
import { fmt } from './lib.ts';

const HOUR = 3_600_000;
/** Noon UTC: outside the default quiet hours, so every due reminder is sent. */
const START = Date.parse('2026-11-23T12:00:00Z');
const WRITE_OPS = new Set([
  'cart.save',
  'event.record',
  'audit.append',
  'unsubscribe.add',
  'unsubscribe.remove',
]);

export interface PhaseUsage {
  readonly name: string;
  readonly readRequests: number;
  readonly readUnits: number;
  readonly writeRequests: number;
  readonly writeUnits: number;
  readonly scheduler: Readonly<Record<string, number>>;
  readonly schedulerCalls: number;
  readonly sesCalls: number;
  /** Per operation: calls and units per cart, for the detail table. */
  readonly byOperation: Readonly<Record<string, { calls: number; units: number }>>;
}

export interface DynamoDbResult {
  readonly carts: number;
  readonly phases: readonly PhaseUsage[];
}

function perCart(name: string, snap: UsageSnapshot, n: number): PhaseUsage {
  let readRequests = 0;
  let writeRequests = 0;
  const byOperation: Record<string, { calls: number; units: number }> = {};
  for (const [op, use] of Object.entries(snap.dynamodb)) {
    if (WRITE_OPS.has(op)) writeRequests += use.calls;
    else readRequests += use.calls;
    byOperation[op] = { calls: use.calls / n, units: (use.readUnits + use.writeUnits) / n };
  }
  const scheduler = Object.fromEntries(
    Object.entries(snap.scheduler).map(([api, calls]) => [api, calls / n]),
  );
  return {
    name,
    readRequests: readRequests / n,
    readUnits: snap.totals.readUnits / n,
    writeRequests: writeRequests / n,
    writeUnits: snap.totals.writeUnits / n,
    scheduler,
    schedulerCalls: snap.totals.schedulerCalls / n,
    sesCalls: snap.totals.sesCalls / n,
    byOperation,
  };
}

/** Scheduler as the adapter sees it: named schedules that exist until deleted or fired. */
function schedulerStandIn() {
  const live = new Set<string>();
  const fail = (name: string, message: string) => Object.assign(new Error(message), { name });
  const mock = mockClient(SchedulerClient);
  mock.on(CreateScheduleCommand).callsFake((input: { Name: string }) => {
    if (live.has(input.Name)) throw fail('ConflictException', 'schedule exists');
    live.add(input.Name);
    return { ScheduleArn: `arn:schedule/${input.Name}` };
  });
  mock.on(UpdateScheduleCommand).callsFake((input: { Name: string }) => {
    if (!live.has(input.Name)) throw fail('ResourceNotFoundException', 'no schedule');
    return { ScheduleArn: `arn:schedule/${input.Name}` };
  });
  mock.on(DeleteScheduleCommand).callsFake((input: { Name: string }) => {
    if (!live.delete(input.Name)) throw fail('ResourceNotFoundException', 'no schedule');
    return {};
  });
  return { mock, live };
}

function event(i: number, id: string, type: string, at: number) {
  const parsed = parseCartEvent({
    id,
    type,
    occurredAt: new Date(at).toISOString(),
    cart: {
      id: `bench_${i}`,
      email: `shopper${i}@example.com`,
      currency: 'USD',
      total: '84.50',
      items: [
        { sku: 'SHIRT-L', name: 'Linen shirt', quantity: 1, price: '59.00' },
        { sku: 'CANDLE', name: 'Candle', quantity: 1, price: '25.50' },
      ],
      restoreUrl: `https://shop.example/cart/bench_${i}`,
      consent: true,
    },
    ...(type === 'cart.checked_out' ? { orderId: `order_${i}` } : {}),
  });
  if (!parsed.ok) throw new Error(`bench event invalid: ${JSON.stringify(parsed.details)}`);
  return parsed.event;
}

export async function benchDynamoDb({ carts = 500 } = {}): Promise<DynamoDbResult> {
  const emulator = await startDynamoDbLocal();
  const scheduler = schedulerStandIn();
  const ses = mockClient(SESv2Client);
  let sent = 0;
  ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `bench-${++sent}` }));
  try {
    const dynamodb = emulator.client();
    const names = { state: 'cr-state', audit: 'cr-audit', unsubscribe: 'cr-unsubscribe' };
    await dynamodb.send(new CreateTableCommand(stateTableDefinition(names.state)));
    await dynamodb.send(new CreateTableCommand(auditTableDefinition(names.audit)));
    await dynamodb.send(new CreateTableCommand(unsubscribeTableDefinition(names.unsubscribe)));
    const clock = createManualClock(START);
    const usage = createUsageCounter();
    const runtime = createAwsRuntime(
      {
        CR_TABLE_STATE: names.state,
        CR_TABLE_AUDIT: names.audit,
        CR_TABLE_UNSUBSCRIBE: names.unsubscribe,
        CR_SCHEDULE_GROUP: 'cr-wakeups',
        CR_WAITER_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:cr-waiter',
        CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cr-scheduler',
        CR_PUBLIC_URL: 'https://abc.lambda-url.us-east-1.on.aws',
        CR_LINK_SECRET: 'bench_link_secret_0123456789',
        CR_MAIL: 'ses',
      },
      {
        clients: {
          dynamodb,
          scheduler: new SchedulerClient({ region: 'us-east-1' }),
          ses: new SESv2Client({ region: 'us-east-1' }),
        },
        clock,
        usage,
      },
    );
    const { ingest, wake } = await runtime.services();
    const phases: PhaseUsage[] = [];
    const phase = async (name: string, run: (i: number) => Promise<void>) => {
      usage.reset();
      for (let i = 0; i < carts; i++) await run(i);
      phases.push(perCart(name, usage.snapshot(), carts));
    };
    const first = START - 5 * 60_000;
    const later = START - 60_000;
    await phase('first event of a cart', async (i) => {
      await ingest(event(i, `e1_${i}`, 'cart.updated', first));
    });
    await phase('update (timer still armed)', async (i) => {
      await ingest(event(i, `e2_${i}`, 'cart.updated', later));
    });
    await phase('duplicate delivery', async (i) => {
      await ingest(event(i, `e2_${i}`, 'cart.updated', later));
    });
    clock.set(later + HOUR + 1_000);
    // Scheduler has fired every schedule: ActionAfterCompletion DELETE removed them.
    scheduler.live.clear();
    await phase('reminder (one wake-up that sends)', async (i) => {
      const report = await wake(`bench_${i}`);
      if (report.kind !== 'moved' || report.move.move !== 'nudge') {
        throw new Error(`bench_${i} did not send: ${JSON.stringify(report)}`);
      }
    });
    clock.advance(10 * 60_000);
    await phase('checkout (timer armed)', async (i) => {
      await ingest(event(i, `e3_${i}`, 'cart.checked_out', clock.now()));
    });
    return { carts, phases };
  } finally {
    scheduler.mock.restore();
    ses.restore();
    await emulator.stop();
  }
}

const n2 = (x: number) => fmt(x, 2);

export function dynamoDbMarkdown(result: DynamoDbResult): string {
  const rows = result.phases.map((p) => {
    const apis = Object.entries(p.scheduler)
      .map(([api, calls]) => `${api} ${n2(calls)}`)
      .join(', ');
    return `| ${p.name} | ${n2(p.readRequests)} | ${n2(p.readUnits)} | ${n2(p.writeRequests)} | ${n2(p.writeUnits)} | ${n2(p.schedulerCalls)}${apis ? ` (${apis})` : ''} | ${n2(p.sesCalls)} |`;
  });
  const detail = result.phases.map((p) => {
    const ops = Object.entries(p.byOperation)
      .map(([op, u]) => `${op} ${n2(u.calls)} calls / ${n2(u.units)} units`)
      .join('; ');
    return `- **${p.name}**: ${ops}`;
  });
  const events = result.phases.filter((p) => !p.name.startsWith('reminder'));
  const writesMet = events.every((p) => p.writeRequests <= 1);
  const schedulerMet = events.every((p) => p.schedulerCalls <= 1);
  const over = events.filter((p) => p.schedulerCalls > 1).map((p) => p.name);
  return [
    '## DynamoDB and Scheduler usage per event and per reminder (AWS adapters)',
    '',
    `${result.carts} carts through the AWS composition root (\`createAwsRuntime\`) on DynamoDB Local with \`ReturnConsumedCapacity: TOTAL\` on every call; Scheduler and SES are stand-ins at the SDK boundary that count calls (Create on an existing name answers ConflictException, a fired one-time schedule has deleted itself). Figures are per cart, averaged over the ${result.carts}. Read and write *requests* are DynamoDB API calls (a TransactWriteItems is one); *units* are the RCU/WCU DynamoDB Local reported.`,
    '',
    '| per cart | DynamoDB reads | RCU | DynamoDB writes | WCU | Scheduler calls | SES calls |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    ...detail,
    '',
    `Target (issue "Run on AWS"): one write and at most one Scheduler call per event in the steady state. Result: one DynamoDB write request per event — ${writesMet ? 'met' : 'not met: since issue 15 an event is the row write and then its small seen-event marker, two requests that cost fewer units than the one transaction they replace'}; at most one Scheduler call per event — ${schedulerMet ? 'met' : `not met for ${over.join(', ')}`}.`,
    '',
    'Why, plainly:',
    "- Lean writes (issue 15): a change of the row alone is one conditional PutItem on the version read; a transaction only when other items must change with it (a new row's alias guard, new aliases, a checkout's purchase items). The seen-event marker is a plain Put after the row: a delivery that died between the two is told on retry by the row's own last event id (the merge is idempotent). Audit rows and day tallies follow the row they describe. DynamoDB Local's units are no bill (see the aws-month section for the meter that prices by AWS's rules); the proportions hold.",
    '- Indexes hold only what their queries read (KEYS_ONLY or INCLUDE) under keys that do not move: byEmail is the address alone, byDay the activity day alone (sharded), so an update inside a day rewrites one small byDay entry and nothing in byEmail; the rows are then read by key (BatchGetItem).',
    '- Every event also costs one strongly consistent read of the cart before the write (1 RCU under 4 KB), and one of its event marker (the id may have been used for another cart).',
    '- Scheduler: each schedule is named by cart *and* fire second, because Scheduler deletes a fired one-time schedule after the invocation, in no order with the waiter re-arming the cart: under one stable name that late self-delete could remove the fresh wake-up, and the cart would never wake again. So a move is DeleteSchedule (the old time, if it has not fired) plus CreateSchedule (the new one): an update while the timer is still armed costs 2 calls, the same as the Create, Conflict, Update it replaces. The re-arm after a wake-up costs 1 (the old schedule fired and deletes itself: no Delete), a checkout 1 (Delete). A duplicate delivery writes nothing (its marker is read first) but re-arms the timer from the row on purpose, to repair a first delivery that died between its write and its timer: 1 CreateSchedule, answered ConflictException while it is armed.',
    "- A reminder reads the cart (twice: decide, then record the send), the never-send list, the address's recent sends (audit byEmail) and its open carts (state byEmail), then writes twice (claim the step, then record the send with its audit row) and arms the next step with one CreateSchedule. Sender health reads the 30-day audit and one unsubscribe-list query per day (31) once per waiter container per 5 minutes; here all wake-ups shared one refresh, so it shows as fractions of a call per cart.",
  ].join('\n');
}
