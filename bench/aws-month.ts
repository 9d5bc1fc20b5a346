/**
 * A simulated month on AWS, metered by AWS's billing rules (src/adapters/dynamodb/dynamodb-meter.ts),
 * not by DynamoDB Local's ConsumedCapacity: carts arrive over 30 days and go through the real
 * Lambda handlers (POST /events as Function URL events, the waiter as Scheduler invokes it, SES
 * feedback as SNS delivers it) on DynamoDB Local, with a Scheduler stand-in firing schedules in
 * time order on a simulated clock, over an audit table pre-filled with earlier months' rows.
 *
 * Sender health's refresh runs for real inside the wake-ups; it is also measured alone, metered,
 * over tables holding a known number of audit rows in its 30-day window.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { storageBytes, tableSchema } from '../src/adapters/dynamodb/dynamodb-billing.ts';
import {
  createDynamoDbMeter,
  type MeterSnapshot,
  measureStorage,
} from '../src/adapters/dynamodb/dynamodb-meter.ts';
import {
  auditItem,
  auditTableDefinition,
  DAY_MS,
  stateTableDefinition,
  unsubscribeTableDefinition,
} from '../src/adapters/dynamodb/dynamodb-tables.ts';
import { createPinoLog } from '../src/adapters/pino/pino-log.ts';
import { createAwsRuntime } from '../src/lambda/aws-runtime.ts';
import { createHttpHandler } from '../src/lambda/http.ts';
import { createSesFeedbackHandler } from '../src/lambda/ses-feedback.ts';
import { createWaiterHandler } from '../src/lambda/waiter.ts';
import { createManualClock } from '../src/ports/clock.ts';
import { silentLog } from '../src/ports/log.ts';
import {
  createTables,
  type DynamoDbLocal,
  startDynamoDbLocal,
} from '../test/support/dynamodb-local.ts';
import {
  functionUrlEvent,
  schedulerStandIn,
  signedEventRequest,
} from '../test/support/lambda-harness.ts';
import { cartEventBody, historyEntry, plannedCart, seeded } from './support/month-carts.ts';

const DOMAIN = 'abc123xyz.lambda-url.us-east-1.on.aws';
const SECRET = 'whsec_month_0123456789abcdef';
const MIN = 60_000;
const HOUR = 60 * MIN;
/** A Tuesday: the month runs 30 days from here, carts finish their cadence after. */
export const START = Date.parse('2026-12-01T00:00:00Z');

export interface Bucket {
  count: number;
  requests: number;
  readUnits: number;
  writeUnits: number;
  indexWriteUnits: number;
  byOperation: Record<string, { requests: number; readUnits: number; writeUnits: number }>;
  byItemKind: Record<string, { requests: number; readUnits: number; writeUnits: number }>;
}
const bucket = (): Bucket => ({
  count: 0,
  requests: 0,
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  byOperation: {},
  byItemKind: {},
});

function add(b: Bucket, snap: MeterSnapshot) {
  b.count++;
  b.requests += snap.totals.requests;
  b.readUnits += snap.totals.readUnits;
  b.writeUnits += snap.totals.writeUnits;
  b.indexWriteUnits += snap.totals.indexWriteUnits;
  for (const [into, from] of [
    [b.byOperation, snap.byOperation],
    [b.byItemKind, snap.byItemKind],
  ] as const) {
    for (const [op, use] of Object.entries(from)) {
      const prev = into[op] ?? { requests: 0, readUnits: 0, writeUnits: 0 };
      into[op] = {
        requests: prev.requests + use.requests,
        readUnits: prev.readUnits + use.readUnits,
        writeUnits: prev.writeUnits + use.writeUnits,
      };
    }
  }
}

async function prefillAudit(
  client: DynamoDBClient,
  table: string,
  rows: number,
  from: number,
  to: number,
) {
  const rand = seeded(7);
  let next = 0;
  const worker = async () => {
    while (next < rows) {
      const batch: WriteRequest[] = [];
      for (; batch.length < 25 && next < rows; next++) {
        const at = Math.floor(from + ((to - from) * next) / rows);
        const item = auditItem(historyEntry(next, at, rand), 400);
        batch.push({
          PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) as never },
        });
      }
      let pending: WriteRequest[] | undefined = batch;
      while (pending !== undefined && pending.length > 0) {
        const out: BatchWriteItemCommandOutput = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = out.UnprocessedItems?.[table];
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

/**
 * Storage by item kind (the partition key up to its first '#': CART, ALIAS, EVENT, ...) of one
 * table, priced as measureStorage prices it: kinds are kept for different times (event markers
 * 30 days, audit rows 400, carts whole until CR_RETAIN_CARTS, tombstones for good).
 */
async function storageByKind(
  probe: DynamoDBClient,
  table: CreateTableCommandInput,
): Promise<Record<string, number>> {
  const schema = tableSchema(table);
  const bytes: Record<string, number> = {};
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await probe.send(new ScanCommand({ TableName: schema.name, ExclusiveStartKey }));
    for (const item of out.Items ?? []) {
      const kind = (item.pk?.S ?? '?').split('#')[0] ?? '?';
      bytes[kind] = (bytes[kind] ?? 0) + storageBytes(item, schema);
    }
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return bytes;
}

const sumOf = (bytes: Record<string, number>, skip: readonly string[] = []) =>
  Object.entries(bytes).reduce((n, [kind, b]) => (skip.includes(kind) ? n : n + b), 0);

function tableDefs(names: { state: string; audit: string; unsubscribe: string }) {
  return [
    stateTableDefinition(names.state),
    auditTableDefinition(names.audit),
    unsubscribeTableDefinition(names.unsubscribe),
  ];
}

function envFor(names: { state: string; audit: string; unsubscribe: string }) {
  return {
    CR_TABLE_STATE: names.state,
    CR_TABLE_AUDIT: names.audit,
    CR_TABLE_UNSUBSCRIBE: names.unsubscribe,
    CR_SCHEDULE_GROUP: 'cr-wakeups',
    CR_WAITER_ARN: 'arn:aws:lambda:us-east-1:123456789012:function:cr-waiter',
    CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cr-scheduler',
    CR_PUBLIC_URL: `https://${DOMAIN}`,
    CR_LINK_SECRET: 'month_link_secret_0123456789',
    CR_WEBHOOK_SECRET: SECRET,
    CR_OWNERS: 'owner:own_month_token_0123456789',
    CR_MAIL: 'ses',
    CR_FROM: 'Linen & Co <reminders@linen.example>',
    CR_STORE_NAME: 'Linen & Co',
    CR_STORE_ADDRESS: '12 Rue des Lilas, Paris',
  };
}

export interface RefreshPoint {
  readonly rowsInWindow: number;
  readonly requests: number;
  readonly readUnits: number;
}

/** One sender-health refresh, for real and metered, over `rows` audit rows in its 30-day window. */
async function measureRefresh(emulator: DynamoDbLocal, rows: number): Promise<RefreshPoint> {
  const probe = emulator.client();
  const client = emulator.client();
  const names = await createTables(probe);
  const meter = createDynamoDbMeter({ tables: tableDefs(names), probe });
  meter.attach(client);
  const now = START;
  await prefillAudit(probe, names.audit, rows, now - 29 * DAY_MS, now - MIN);
  const runtime = createAwsRuntime(envFor(names), {
    clients: { dynamodb: client },
    clock: createManualClock(now),
    log: silentLog,
  });
  meter.reset();
  await (await runtime.services()).senderHealth.isPaused(now);
  const t = meter.snapshot().totals;
  return { rowsInWindow: rows, requests: t.requests, readUnits: t.readUnits };
}

interface Planned {
  readonly at: number;
  readonly kind: 'event';
  readonly body: ReturnType<typeof cartEventBody>;
}

function planMonth(carts: number): Planned[] {
  const rand = seeded(42);
  const plan: Planned[] = [];
  for (let i = 0; i < carts; i++) {
    const cart = plannedCart(i, rand, rand() < 0.85);
    const t0 = START + Math.floor(rand() * 30 * DAY_MS);
    const ev = (n: number, type: 'cart.updated' | 'cart.checked_out', at: number, q = 1) =>
      plan.push({ at, kind: 'event', body: cartEventBody(cart, `evt_${i}_${n}`, type, at, q) });
    ev(1, 'cart.updated', t0);
    ev(2, 'cart.updated', t0 + Math.floor((2 + rand() * 8) * MIN), 2);
    if (rand() < 0.3) ev(3, 'cart.updated', t0 + Math.floor((12 + rand() * 20) * MIN), 3);
    const buys = rand();
    // About a third buy: half before the first reminder, half after one or two.
    if (buys < 0.17) ev(9, 'cart.checked_out', t0 + Math.floor((35 + rand() * 20) * MIN), 2);
    else if (buys < 0.34) ev(9, 'cart.checked_out', t0 + Math.floor((3 + rand() * 40) * HOUR), 2);
  }
  return plan.sort((a, b) => a.at - b.at);
}

export interface MonthResult {
  readonly carts: number;
  readonly auditRows: number;
  readonly events: Bucket;
  readonly wakeUps: Bucket;
  readonly feedback: Bucket;
  readonly refreshPoints: readonly RefreshPoint[];
  readonly refreshRowsInMonth: number;
  readonly abandoned: number;
  /** Carts the waiter ran for at least once. */
  readonly wokenCarts: number;
  readonly abandonedWithEmail: number;
  readonly remindersSent: number;
  readonly scheduler: Readonly<Record<string, number>>;
  readonly sesCalls: number;
  readonly storageBytesAdded: number;
  /**
   * Bytes added, by how long they are kept: carts (rows, aliases, purchase marks, budgets) whole,
   * taken when every cart had ended and none had reached CR_RETAIN_CARTS; what is left of them
   * after the tombstone wake-ups (kept for good, with unsubscribe entries); audit rows and day
   * tallies; seen-event markers.
   */
  readonly storage: {
    readonly cartsWhole: number;
    readonly tombstones: number;
    readonly audit: number;
    readonly eventMarkers: number;
  };
  readonly logBytes: number;
  readonly invocations: {
    readonly http: number;
    readonly waiter: number;
    readonly sesFeedback: number;
  };
  readonly seconds: number;
}

export interface MonthOptions {
  readonly carts?: number;
  readonly auditRows?: number;
  readonly refreshRows?: readonly number[];
}

export async function benchAwsMonth(options: MonthOptions = {}): Promise<MonthResult> {
  const carts = options.carts ?? 200;
  const auditRows = options.auditRows ?? 20_000;
  const started = performance.now();
  const emulator = await startDynamoDbLocal();
  const scheduler = schedulerStandIn();
  const ses = mockClient(SESv2Client);
  const sent: { to: string; at: number }[] = [];
  const clock = createManualClock(START - DAY_MS);
  ses.on(SendEmailCommand).callsFake((input: { Destination?: { ToAddresses?: string[] } }) => {
    sent.push({ to: input.Destination?.ToAddresses?.[0] ?? '', at: clock.now() });
    return { MessageId: `ses-${sent.length}` };
  });
  const quiet = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  let logBytes = 0;
  for (const k of ['log', 'info', 'warn', 'error'] as const) {
    console[k] = (...args: unknown[]) => {
      logBytes += Buffer.byteLength(args.map(String).join(' ')) + 1;
    };
  }
  try {
    const refreshPoints: RefreshPoint[] = [];
    for (const rows of options.refreshRows ?? [1000, 10_000]) {
      process.stdout.write(`  refresh over ${rows} audit rows...\n`);
      refreshPoints.push(await measureRefresh(emulator, rows));
    }
    const probe = emulator.client();
    const client = emulator.client();
    const names = await createTables(probe);
    const defs = tableDefs(names);
    process.stdout.write(`  pre-filling ${auditRows} audit rows...\n`);
    // Earlier months: a year of history before the month (the 30-day window holds 1/12 of it).
    await prefillAudit(probe, names.audit, auditRows, START - 365 * DAY_MS, START - DAY_MS);
    const storageBefore = await Promise.all(defs.map((d) => measureStorage(probe, d)));
    const kindsBefore = await storageByKind(probe, defs[0] as CreateTableCommandInput);
    let whole: Record<string, number> | null = null;
    const meter = createDynamoDbMeter({ tables: defs, probe });
    meter.attach(client);
    const env = envFor(names);
    const clients = { dynamodb: client };
    // The functions' own JSON lines, at the deployed level, counted instead of printed: what
    // CloudWatch Logs ingests besides Lambda's START/END/REPORT lines.
    const log = createPinoLog({
      level: 'info',
      now: () => clock.now(),
      destination: {
        write(line: string) {
          logBytes += Buffer.byteLength(line);
        },
      },
    });
    const http = createHttpHandler(
      (publicUrl) =>
        createAwsRuntime(env, { clients, clock, log, ...(publicUrl ? { publicUrl } : {}) }),
      env,
    );
    const waiterRuntime = createAwsRuntime(env, { clients, clock, log });
    const waiter = createWaiterHandler(() => waiterRuntime);
    const feedbackRuntime = createAwsRuntime(env, { clients, clock, log });
    const sesFeedback = createSesFeedbackHandler(() => feedbackRuntime);

    const plan = planMonth(carts);
    const events = bucket();
    const wakeUps = bucket();
    const feedback = bucket();
    const abandonedCarts = new Set<string>();
    const woken = new Set<string>();
    const abandonedWithEmail = new Set<string>();
    let remindersSent = 0;
    let fed = 0;
    const feedbackDue: { at: number; email: string; kind: 'Bounce' | 'Complaint' }[] = [];
    const metered = async (b: Bucket, run: () => Promise<unknown>) => {
      meter.reset();
      await run();
      add(b, meter.snapshot());
    };
    let p = 0;
    process.stdout.write(`  playing the month (${plan.length} events)...\n`);
    for (;;) {
      const nextEvent = plan[p]?.at ?? Number.POSITIVE_INFINITY;
      const nextWake = scheduler.nextAt();
      const nextFeedback = feedbackDue[0]?.at ?? Number.POSITIVE_INFINITY;
      const at = Math.min(nextEvent, nextWake, nextFeedback);
      if (at === Number.POSITIVE_INFINITY) break;
      // Every cart arrived within the month and ended days later; no CR_RETAIN_CARTS (90 d) has run out.
      if (whole === null && at > START + 60 * DAY_MS) {
        whole = await storageByKind(probe, defs[0] as CreateTableCommandInput);
      }
      clock.set(Math.max(clock.now(), at));
      if (at === nextEvent) {
        const planned = plan[p++] as Planned;
        await metered(events, async () => {
          const answer = await http(
            functionUrlEvent(
              DOMAIN,
              signedEventRequest(SECRET, planned.body, clock.now()),
              clock.now(),
            ),
          );
          if (answer.statusCode !== 200)
            throw new Error(`event refused: ${answer.statusCode} ${answer.body}`);
        });
      } else if (at === nextWake) {
        const due = scheduler.takeDue(clock.now());
        if (due === null) continue;
        const before = sent.length;
        woken.add(String((due.input as { cartId?: string }).cartId));
        await metered(wakeUps, async () => {
          const result = await waiter(due.input);
          if (result.kind === 'woke' && result.report.kind === 'moved') {
            const move = result.report.move;
            if (move.move === 'nudge') abandonedCarts.add(result.report.cartId);
          }
        });
        for (const mail of sent.slice(before)) {
          remindersSent++;
          abandonedWithEmail.add(mail.to);
          // About 1% of reminders bounce, 0.2% draw a complaint, minutes later.
          fed++;
          if (fed % 100 === 37)
            feedbackDue.push({ at: mail.at + 4 * MIN, email: mail.to, kind: 'Bounce' });
          else if (fed % 500 === 251)
            feedbackDue.push({ at: mail.at + 40 * MIN, email: mail.to, kind: 'Complaint' });
        }
        feedbackDue.sort((a, b) => a.at - b.at);
      } else {
        const f = feedbackDue.shift();
        if (f === undefined) continue;
        const message =
          f.kind === 'Bounce'
            ? {
                eventType: 'Bounce',
                bounce: {
                  bounceType: 'Permanent',
                  bounceSubType: 'General',
                  bouncedRecipients: [{ emailAddress: f.email }],
                },
                mail: { destination: [f.email] },
              }
            : {
                eventType: 'Complaint',
                complaint: { complainedRecipients: [{ emailAddress: f.email }] },
                mail: { destination: [f.email] },
              };
        await metered(feedback, () =>
          sesFeedback({
            Records: [
              {
                EventSource: 'aws:sns',
                Sns: {
                  Type: 'Notification',
                  MessageId: `sns-${fed}-${f.at}`,
                  Message: JSON.stringify(message),
                },
              },
            ],
          } as never),
        );
      }
    }
    const storageAfter = await Promise.all(defs.map((d) => measureStorage(probe, d)));
    const storageBytesAdded = storageAfter.reduce(
      (n, s, i) => n + s.bytes - (storageBefore[i]?.bytes ?? 0),
      0,
    );
    const audit = storageAfter[1];
    const kindsAfter = await storageByKind(probe, defs[0] as CreateTableCommandInput);
    const added = (kinds: Record<string, number>, skip: readonly string[] = []) =>
      sumOf(kinds, skip) - sumOf(kindsBefore, skip);
    if (whole === null) throw new Error('the month ended before its carts were whole and ended');
    const storage = {
      cartsWhole: added(whole, ['EVENT']),
      tombstones:
        added(kindsAfter, ['EVENT']) +
        (storageAfter[2]?.bytes ?? 0) -
        (storageBefore[2]?.bytes ?? 0),
      audit: (audit?.bytes ?? 0) - (storageBefore[1]?.bytes ?? 0),
      eventMarkers: (whole.EVENT ?? 0) - (kindsBefore.EVENT ?? 0),
    };
    return {
      carts,
      auditRows,
      events,
      wakeUps,
      feedback,
      refreshPoints,
      // The rows a refresh at the month's end reads: the month's own audit rows plus the history's last 30 days.
      refreshRowsInMonth: (audit?.items ?? 0) - auditRows + Math.round((auditRows * 29) / 364),
      abandoned: abandonedCarts.size,
      wokenCarts: woken.size,
      abandonedWithEmail: abandonedWithEmail.size,
      remindersSent,
      scheduler: { ...scheduler.calls },
      sesCalls: sent.length,
      storageBytesAdded,
      storage,
      logBytes,
      invocations: { http: events.count, waiter: wakeUps.count, sesFeedback: feedback.count },
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    Object.assign(console, quiet);
    scheduler.mock.restore();
    ses.restore();
    await emulator.stop();
  }
}
