/**
 * The acceptance for "Run on AWS": the real Lambda handlers, in process, over DynamoDB
 * Local; Scheduler, SES and Secrets Manager are stubbed at the SDK boundary (no local engine),
 * and every call they get is checked. Time is a manual clock handed to the runtime.
 */

import { generateKeyPairSync } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDocumentClient, unpackJson } from '../../src/adapters/dynamodb/dynamodb-tables.ts';
import { atExpression, scheduleName } from '../../src/adapters/scheduler/scheduler-wakeups.ts';
import { createAwsRuntime } from '../../src/lambda/aws-runtime.ts';
import { createHttpHandler } from '../../src/lambda/http.ts';
import { createMonthlySummaryHandler } from '../../src/lambda/monthly-summary.ts';
import { createNightlyExportHandler } from '../../src/lambda/nightly-export.ts';
import { createSesFeedbackHandler } from '../../src/lambda/ses-feedback.ts';
import { createWaiterHandler } from '../../src/lambda/waiter.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { parseMime } from '../contracts/mime-parse.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import {
  functionUrlEvent,
  signedEventRequest,
  type UrlRequest,
} from '../support/lambda-harness.ts';
import { startSheetsStandin } from '../support/sheets-standin.ts';
import { cartEvent } from '../support/signed-event.ts';

const scheduler = mockClient(SchedulerClient);
const ses = mockClient(SESv2Client);
const secretsManager = mockClient(SecretsManagerClient);

const DOMAIN = 'abc123xyz.lambda-url.eu-west-1.on.aws';
const HOUR = 3_600_000;
/** Noon UTC on a Monday: outside quiet hours in Paris and in UTC. */
const START = Date.parse('2026-11-23T12:00:00Z');
const WEBHOOK_SECRET = 'whsec_e2e_0123456789abcdef';
const OWNER_TOKEN = 'own_e2e_token_0123456789abcdef';
const WAITER_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/cr-scheduler';
const DLQ_ARN = 'arn:aws:sqs:eu-west-1:123456789012:cr-wakeup-dlq';

const googleKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** The stack's one secret, with the fields an operator writes into it. */
const SECRETS: Record<string, string> = {
  'cr/secrets': JSON.stringify({
    seed: 'seed_e2e_0123456789abcdef0123456789abcdef',
    webhook: WEBHOOK_SECRET,
    owners: { owner: OWNER_TOKEN },
    google: {
      type: 'service_account',
      client_email: 'sheets@cr-e2e.iam.gserviceaccount.com',
      private_key: googleKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  }),
};

let emulator: DynamoDbLocal;
let dynamodb: DynamoDBClient;
let tables: Awaited<ReturnType<typeof createTables>>;

beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  dynamodb = emulator.client();
  tables = await createTables(dynamodb);
  secretsManager.on(GetSecretValueCommand).callsFake((input: { SecretId?: string }) => {
    const value = SECRETS[input.SecretId ?? ''];
    if (value === undefined)
      throw Object.assign(new Error('no such secret'), { name: 'ResourceNotFoundException' });
    return { SecretString: value };
  });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
  scheduler.on(DeleteScheduleCommand).resolves({});
  let sent = 0;
  ses.on(SendEmailCommand).callsFake(() => ({ MessageId: `ses-${++sent}` }));
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
});

/** The variables infra/stack.ts gives each function (names, never values, for secrets). */
function envs() {
  const tableEnv = {
    CR_TABLE_STATE: tables.state,
    CR_TABLE_AUDIT: tables.audit,
    CR_TABLE_UNSUBSCRIBE: tables.unsubscribe,
  };
  const wakeupEnv = {
    CR_SCHEDULE_GROUP: 'cr-wakeups',
    CR_WAITER_ARN: WAITER_ARN,
    CR_SCHEDULER_ROLE_ARN: ROLE_ARN,
    CR_SCHEDULE_DLQ_ARN: DLQ_ARN,
  };
  const storeEnv = {
    CR_FROM: 'Linen & Co <reminders@linen.example>',
    CR_STORE_NAME: 'Linen & Co',
    CR_STORE_ADDRESS: '12 Rue des Lilas, Paris',
  };
  return {
    http: {
      ...tableEnv,
      ...wakeupEnv,
      ...storeEnv,
      CR_SECRETS_NAME: 'cr/secrets',
    },
    waiter: {
      ...tableEnv,
      ...wakeupEnv,
      ...storeEnv,
      CR_MAIL: 'ses',
      CR_SES_CONFIGURATION_SET: 'cr-mail',
      CR_PUBLIC_URL: `https://${DOMAIN}/`,
      CR_SECRETS_NAME: 'cr/secrets',
    },
    nightlyExport: {
      ...tableEnv,
      ...storeEnv,
      CR_PUBLIC_URL: `https://${DOMAIN}`,
      CR_SECRETS_NAME: 'cr/secrets',
      CR_GOOGLE_FOLDER_ID: 'folder-e2e',
    },
    monthlySummary: {
      ...tableEnv,
      ...storeEnv,
      CR_MAIL: 'ses',
      CR_SES_CONFIGURATION_SET: 'cr-mail',
      CR_PUBLIC_URL: `https://${DOMAIN}`,
      CR_REPORT_TO: 'owner@linen.example',
    },
    sesFeedback: { CR_TABLE_AUDIT: tables.audit, CR_TABLE_UNSUBSCRIBE: tables.unsubscribe },
  };
}

function setup() {
  const clock = createManualClock(START);
  const clients = {
    dynamodb,
    scheduler: new SchedulerClient({ region: 'eu-west-1' }),
    ses: new SESv2Client({ region: 'eu-west-1' }),
    secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
  };
  const env = envs();
  // One runtime per function, as each Lambda has its own container.
  const http = createHttpHandler(
    (publicUrl) =>
      createAwsRuntime(env.http, { clients, clock, ...(publicUrl ? { publicUrl } : {}) }),
    env.http,
  );
  const waiterRuntime = createAwsRuntime(env.waiter, { clients, clock });
  const waiter = createWaiterHandler(() => waiterRuntime);
  const feedbackRuntime = createAwsRuntime(env.sesFeedback, { clients, clock });
  const sesFeedback = createSesFeedbackHandler(() => feedbackRuntime);
  const reportRuntime = (name: 'nightlyExport' | 'monthlySummary') => {
    const runtime = createAwsRuntime(env[name], { clients, clock });
    return () => runtime;
  };
  return {
    clock,
    http,
    waiter,
    sesFeedback,
    unsubscribes: waiterRuntime.unsubscribes,
    reportRuntime,
  };
}

/** A Function URL request to the stack's http function (test/support/lambda-harness.ts). */
const urlEvent = (req: UrlRequest, now: number) => functionUrlEvent(DOMAIN, req, now);

const signedEvent = (event: Record<string, unknown>, now: number, base64 = false): UrlRequest => ({
  ...signedEventRequest(WEBHOOK_SECRET, event, now),
  base64,
});

const raw = (input: { Content?: { Raw?: { Data?: Uint8Array } } }) =>
  Buffer.from(input.Content?.Raw?.Data ?? new Uint8Array()).toString('utf8');

describe('Lambda handlers end to end (DynamoDB Local; Scheduler, SES, Secrets Manager stubbed)', () => {
  it('event in, wake-up armed, reminder sent through SES, checkout cancels, a late wake-up sends nothing', async () => {
    const { clock, http, waiter } = setup();
    const doc = toDocumentClient(dynamodb);
    scheduler.resetHistory();
    ses.resetHistory();

    // 1. A signed cart event through the Function URL (body base64-encoded, as binary bodies come).
    const activity = START - 60_000;
    const event = cartEvent({ id: 'evt_e2e_1', occurredAt: new Date(activity).toISOString() });
    const answer = await http(urlEvent(signedEvent(event, clock.now(), true), clock.now()));
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      cart: { id: 'c_42', status: 'open' },
      duplicate: false,
    });

    const row = await doc.send(
      new GetCommand({ TableName: tables.state, Key: { pk: 'CART#c_42', sk: 'CART' } }),
    );
    expect(row.Item).toMatchObject({
      status: 'open',
      lastActivityAt: activity,
      wakeAt: activity + HOUR,
    });

    // 2. One one-time schedule at lastActivity + 1h that runs the waiter with {"cartId"}.
    const created = scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      Name: scheduleName('c_42', activity + HOUR),
      GroupName: 'cr-wakeups',
      ScheduleExpression: `at(${new Date(activity + HOUR).toISOString().slice(0, 19)})`,
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: WAITER_ARN,
        RoleArn: ROLE_ARN,
        Input: JSON.stringify({ cartId: 'c_42' }),
        DeadLetterConfig: { Arn: DLQ_ARN },
      },
    });

    // A retried delivery of the same event: 200, duplicate, nothing new written.
    const again = await http(urlEvent(signedEvent(event, clock.now()), clock.now()));
    expect(JSON.parse(again.body)).toMatchObject({ duplicate: true });
    // It re-arms the row's timer under the same name (a ConflictException on AWS), moving nothing.
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual([
      scheduleName('c_42', activity + HOUR),
      scheduleName('c_42', activity + HOUR),
    ]);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);

    // 3. The schedule fires: the waiter mails step 1 through SES and arms step 2.
    clock.set(activity + HOUR + 1_000);
    scheduler.resetHistory();
    const woke = await waiter({ cartId: 'c_42' });
    expect(woke).toMatchObject({
      kind: 'woke',
      report: { kind: 'moved', move: { move: 'nudge', step: 1 } },
    });
    const sends = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sends).toHaveLength(1);
    expect(sends[0]).toMatchObject({
      Destination: { ToAddresses: ['sam@example.com'] },
      ConfigurationSetName: 'cr-mail',
    });
    const mail = parseMime(raw(sends[0] ?? {}));
    expect(mail.to).toContain('sam@example.com');
    expect(mail.text).toContain('Linen shirt');
    expect(mail.html).toContain('Linen shirt');
    const unsubscribe = mail.headers.get('list-unsubscribe')?.[0] ?? '';
    expect(unsubscribe).toMatch(
      new RegExp(`^<https://${DOMAIN.replaceAll('.', '\\.')}/unsubscribe\\?t=`),
    );
    expect(mail.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: scheduleName('c_42', activity + 24 * HOUR),
      ScheduleExpression: atExpression(activity + 24 * HOUR, clock.now()),
    });
    // Step 1's schedule fired and deletes itself; a new name means that delete cannot hit step 2.
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);

    // Scheduler delivers that invocation again (at least once): no mail, nothing moved or
    // deleted; the row's own timer is re-armed under its name (a ConflictException on AWS).
    scheduler.resetHistory();
    const twice = await waiter({ cartId: 'c_42' });
    expect(twice).toMatchObject({ report: { move: { move: 'still_shopping' } } });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual([
      scheduleName('c_42', activity + 24 * HOUR),
    ]);

    // 4. The shopper buys: the row flips to bought, the step's schedule is deleted, and the one
    // left is the end of the cart's retention (CR_RETAIN_CARTS, 90 days after the purchase).
    clock.advance(10 * 60_000);
    scheduler.resetHistory();
    const checkout = cartEvent({
      id: 'evt_e2e_2',
      type: 'cart.checked_out',
      occurredAt: new Date(clock.now()).toISOString(),
      orderId: 'order_1',
    });
    const bought = await http(urlEvent(signedEvent(checkout, clock.now()), clock.now()));
    expect(JSON.parse(bought.body)).toEqual({
      cart: { id: 'c_42', status: 'bought' },
      duplicate: false,
    });
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: scheduleName('c_42', activity + 24 * HOUR), GroupName: 'cr-wakeups' },
    ]);
    const retainedUntil = clock.now() + 90 * 24 * HOUR;
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual([
      scheduleName('c_42', retainedUntil),
    ]);

    // 5. A wake-up that fires anyway (late, or raced the delete) sends nothing; it only re-arms
    // the retention schedule under its own name (a ConflictException on AWS), and deletes nothing.
    clock.advance(24 * HOUR);
    ses.resetHistory();
    scheduler.resetHistory();
    const late = await waiter({ cartId: 'c_42' });
    expect(late).toMatchObject({ report: { move: { move: 'still_shopping' } } });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.Name)).toEqual([
      scheduleName('c_42', retainedUntil),
    ]);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);

    // 6. The email's one-click unsubscribe link works through the Function URL (RFC 8058 POST).
    const link = new URL(unsubscribe.slice(1, -1));
    const oneClick = await http(
      urlEvent(
        {
          method: 'POST',
          path: link.pathname,
          query: link.search.slice(1),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        },
        clock.now(),
      ),
    );
    expect(oneClick.statusCode).toBe(200);
    const { unsubscribes } = setup();
    expect(await unsubscribes.get('sam@example.com')).toMatchObject({ kind: 'unsubscribed' });
  }, 60_000);

  it('a permanent SES bounce via SNS blocks the address for good; the waiter then never mails it', async () => {
    const { clock, http, waiter, sesFeedback, unsubscribes } = setup();
    const bounce = (messageId: string) => ({
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            Type: 'Notification',
            MessageId: messageId,
            Message: JSON.stringify({
              eventType: 'Bounce',
              bounce: {
                bounceType: 'Permanent',
                bounceSubType: 'General',
                bouncedRecipients: [{ emailAddress: 'Kim <KIM@example.com>' }],
              },
              mail: { destination: ['kim@example.com'] },
            }),
          },
        },
        { EventSource: 'aws:sns', Sns: { MessageId: 'junk', Message: 'not json at all' } },
      ],
    });
    const first = await sesFeedback(bounce('sns-1') as never);
    expect(first).toMatchObject({ added: ['kim@example.com'], already: [] });
    expect(first.invalid).toHaveLength(1);
    // SNS delivers at least once: the repeat changes nothing.
    expect(await sesFeedback(bounce('sns-2') as never)).toMatchObject({
      added: [],
      already: ['kim@example.com'],
    });
    expect(await unsubscribes.get('kim@example.com')).toMatchObject({
      kind: 'bounced',
      actor: 'system',
    });
    const audit = await toDocumentClient(dynamodb).send(
      new QueryCommand({
        TableName: tables.audit,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'EMAIL#kim@example.com' },
      }),
    );
    // The row's JSON is stored compressed (packJson); unpackJson reads it back.
    const actorOf = (item: Record<string, unknown>) =>
      (unpackJson(item.data) as { actor: string }).actor;
    expect(audit.Items?.map((i) => [i.action, actorOf(i)])).toEqual([['bounced', 'system']]);

    const activity = clock.now() - 60_000;
    const event = cartEvent({
      id: 'evt_kim_1',
      occurredAt: new Date(activity).toISOString(),
      cart: {
        id: 'c_kim',
        email: 'kim@example.com',
        restoreUrl: 'https://shop.example/cart/c_kim',
      },
    });
    expect((await http(urlEvent(signedEvent(event, clock.now()), clock.now()))).statusCode).toBe(
      200,
    );
    clock.set(activity + HOUR + 1_000);
    ses.resetHistory();
    expect(await waiter({ cartId: 'c_kim' })).toMatchObject({
      report: { move: { move: 'still_shopping', reason: 'bounced' } },
    });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  }, 60_000);

  it('the owner API answers through the Function URL with a token from the owner-tokens secret', async () => {
    const { clock, http } = setup();
    const activity = clock.now() - 60_000;
    const event = cartEvent({
      id: 'evt_owner_1',
      occurredAt: new Date(activity).toISOString(),
      cart: {
        id: 'c_owner',
        email: 'lee@example.com',
        restoreUrl: 'https://shop.example/cart/c_owner',
      },
    });
    await http(urlEvent(signedEvent(event, clock.now()), clock.now()));

    const bearer = { authorization: `Bearer ${OWNER_TOKEN}` };
    const denied = await http(
      urlEvent(
        {
          path: '/owner/api/carts/c_owner',
          headers: { authorization: 'Bearer wrong-token-0123456789' },
        },
        clock.now(),
      ),
    );
    expect(denied.statusCode).toBe(401);

    scheduler.resetHistory();
    const writeOff = await http(
      urlEvent(
        {
          method: 'POST',
          path: '/owner/api/carts/c_owner/write-off',
          headers: { ...bearer, 'content-type': 'application/json' },
          body: JSON.stringify({ reason: 'test order' }),
        },
        clock.now(),
      ),
    );
    expect(writeOff.statusCode).toBe(200);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(1);

    const detail = await http(
      urlEvent({ path: '/owner/api/carts/c_owner', headers: bearer }, clock.now()),
    );
    expect(detail.statusCode).toBe(200);
    const body = JSON.parse(detail.body) as {
      cart: { status: string };
      audit: { action: string; actor: string }[];
    };
    expect(body.cart).toMatchObject({ status: 'closed', closedReason: 'written_off' });
    expect(body.audit.map((a) => [a.action, a.actor])).toContainEqual(['write_off', 'owner']);

    const day = new Date(activity).toISOString().slice(0, 10);
    const list = await http(
      urlEvent({ path: '/owner/api/carts', query: `day=${day}`, headers: bearer }, clock.now()),
    );
    expect(JSON.parse(list.body).carts.map((c: { id: string }) => c.id)).toContain('c_owner');
  }, 60_000);

  it('the nightly export writes yesterday to a Google Sheet; the monthly summary mails last month', async () => {
    const { clock, reportRuntime } = setup();
    const standin = await startSheetsStandin(googleKeys.publicKey);
    try {
      const exportDay = createNightlyExportHandler(reportRuntime('nightlyExport'), {
        tokenUrl: standin.tokenUrl,
        driveBaseUrl: standin.driveBaseUrl,
        sheetsBaseUrl: standin.sheetsBaseUrl,
      });
      // The rule fires at 00:30 UTC: the last complete day (store zone UTC) is the 23rd.
      clock.set(Date.parse('2026-11-24T00:30:00Z'));
      const exported = await exportDay({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
      expect(exported).toMatchObject({ kind: 'exported', day: '2026-11-23' });
      const sheets = [...standin.spreadsheets.values()];
      expect(sheets.map((sheet) => [sheet.name, sheet.parents])).toEqual([
        ['Carts 2026-11-23', ['folder-e2e']],
      ]);
      const cartIds = (sheets[0]?.values ?? []).slice(1).map((row) => row[0]);
      expect(cartIds).toEqual(expect.arrayContaining(['c_42', 'c_kim', 'c_owner']));
      expect(exported.kind === 'exported' && exported.rows).toBe(cartIds.length);
    } finally {
      await standin.close();
    }

    const summarise = createMonthlySummaryHandler(reportRuntime('monthlySummary'));
    clock.set(Date.parse('2026-12-01T06:00:00Z'));
    ses.resetHistory();
    expect(await summarise({})).toEqual({
      kind: 'sent',
      month: '2026-11',
      to: ['owner@linen.example'],
    });
    const sends = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sends.map((input) => input.Destination?.ToAddresses)).toEqual([['owner@linen.example']]);
    const mail = parseMime(raw(sends[0] ?? {}));
    expect(mail.subject).toContain('2026-11');
    expect(mail.text).toMatch(/recovered/i);
  }, 60_000);
});
