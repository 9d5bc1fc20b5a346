/**
 * On AWS: SES refusing a reminder for good (MessageRejected) is one SendEmail over the cart's
 * life, a skipped send_refused audit row and one pino line on stdout (what CloudWatch gets),
 * without the address SES's message quotes. DynamoDB Local; Scheduler and SES at the SDK.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinoLog } from '../../src/adapters/pino/pino-log.ts';
import { parseCartEvent } from '../../src/domain/events.ts';
import { createAwsRuntime } from '../../src/lambda/aws-runtime.ts';
import { createWaiterHandler } from '../../src/lambda/waiter.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { schedulerStandIn } from '../support/lambda-harness.ts';
import { cartEvent } from '../support/signed-event.ts';

const ses = mockClient(SESv2Client);
const scheduler = schedulerStandIn();
let emulator: DynamoDbLocal;
let tables: Awaited<ReturnType<typeof createTables>>;

beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  tables = await createTables(emulator.client());
}, 120_000);
afterAll(async () => {
  ses.restore();
  scheduler.mock.restore();
  await emulator?.stop();
});

describe('a permanent SES rejection on AWS', () => {
  it('is sent once, audited as send_refused, logged without the address, and let go at give-up', async () => {
    ses
      .on(SendEmailCommand)
      .rejects(
        Object.assign(
          new Error(
            'Email address is not verified. The following identities failed the check in region EU-WEST-1: sam@example.com',
          ),
          { name: 'MessageRejected' },
        ),
      );
    const clock = createManualClock(Date.parse('2026-11-23T10:00:00Z'));
    const lines: string[] = [];
    const runtime = createAwsRuntime(
      {
        CR_TABLE_STATE: tables.state,
        CR_TABLE_AUDIT: tables.audit,
        CR_TABLE_UNSUBSCRIBE: tables.unsubscribe,
        CR_SCHEDULE_GROUP: 'cr-wakeups',
        CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:1:function:cr-waiter',
        CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/cr-scheduler',
        CR_PUBLIC_URL: 'https://x.lambda-url.eu-west-1.on.aws',
        CR_LINK_SECRET: 'link_secret_0123456789abcdef',
        CR_MAIL: 'ses',
        CR_QUIET_HOURS: 'off',
      },
      {
        clients: {
          dynamodb: emulator.client(),
          scheduler: new SchedulerClient({ region: 'eu-west-1', maxAttempts: 1 }),
          ses: new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 }),
        },
        clock,
        log: createPinoLog({
          level: 'info',
          destination: { write: (line: string) => lines.push(line) },
          now: clock.now,
        }),
      },
    );
    const parsed = parseCartEvent(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    if (!parsed.ok) throw new Error('the test event does not parse');
    await (await runtime.services()).ingest(parsed.event);
    const waiter = createWaiterHandler(() => runtime);
    const kinds: string[] = [];
    // The cart's life up to give-up (7 days) and a day more; its retention wake-up is later.
    const end = clock.now() + 8 * 24 * 3_600_000;
    for (let due = scheduler.takeDue(end); due !== null; due = scheduler.takeDue(end)) {
      clock.set(due.at);
      const result = await waiter(due.input);
      if (result.kind === 'woke') kinds.push(result.report.kind);
    }

    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    expect(kinds).toEqual(['send_refused', 'moved']);
    const actions = (await runtime.store.auditFor('c_42')).map((r) => `${r.action}:${r.reason}`);
    expect(actions.slice(1)).toEqual(['skipped:send_refused', 'expired:gave_up']);
    expect(actions[0]).toMatch(/^bounced:rejected by the mail server: SES refused/);
    const failed = lines
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === 'reminder.send_failed');
    expect(failed).toEqual([
      expect.objectContaining({
        level: 'warn',
        cartId: 'c_42',
        step: 1,
        permanent: true,
        kind: 'rejected',
        retryAt: null,
        reason:
          'MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: [address]',
      }),
    ]);
    expect(lines.join('')).not.toContain('sam@example.com');
  }, 60_000);
});
