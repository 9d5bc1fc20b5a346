/**
 * Sign-out on AWS: two Lambda instances of the HTTP function share nothing but DynamoDB (here
 * DynamoDB Local). A cookie issued by one and signed out on it no longer opens a page on the
 * other, which an in-memory revocation list could never do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsRuntime } from '../../src/lambda/aws-runtime.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';

const OWNER_TOKEN = 'own_0123456789abcdef_token';
let emulator: DynamoDbLocal;
let tables: Awaited<ReturnType<typeof createTables>>;

beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  tables = await createTables(emulator.client());
}, 120_000);
afterAll(async () => {
  await emulator?.stop();
});

/** One instance of the HTTP function, as a cold start makes it. */
function instance(clock: ReturnType<typeof createManualClock>) {
  return createAwsRuntime(
    {
      CR_TABLE_STATE: tables.state,
      CR_TABLE_AUDIT: tables.audit,
      CR_TABLE_UNSUBSCRIBE: tables.unsubscribe,
      CR_SCHEDULE_GROUP: 'cr-wakeups',
      CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:1:function:cr-waiter',
      CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/cr-scheduler',
      CR_PUBLIC_URL: 'https://x.lambda-url.eu-west-1.on.aws',
      CR_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      CR_OWNERS: `sam:${OWNER_TOKEN}`,
      CR_LINK_SECRET: 'link_secret_0123456789abcdef',
    },
    { clients: { dynamodb: emulator.client() }, clock },
  ).app();
}

describe('owner pages on AWS', () => {
  it('serve the monthly summary page the monthly email links to, as serve does', async () => {
    const clock = createManualClock(Date.parse('2026-11-23T10:00:00Z'));
    const app = await instance(clock);
    const signedIn = await app.request('/owner/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: OWNER_TOKEN }).toString(),
    });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await app.request('/owner/summary?month=2026-11', { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toContain('not configured');
    expect(html).toContain('2026-11');
  });
});

describe('owner sign-out on AWS', () => {
  it('a session signed out on one instance is over on another', async () => {
    const clock = createManualClock(Date.parse('2026-11-23T10:00:00Z'));
    const [one, two] = await Promise.all([instance(clock), instance(clock)]);
    const form = (fields: Record<string, string>, cookie?: string) => ({
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(cookie === undefined ? {} : { cookie }),
      },
      body: new URLSearchParams(fields).toString(),
    });
    const signedIn = await one.request('/owner/sign-in', form({ token: OWNER_TOKEN }));
    expect(signedIn.status).toBe(303);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const onTwo = await two.request('/owner/summary', { headers: { cookie } });
    expect(onTwo.status).toBe(200);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await onTwo.text())?.[1] ?? '';

    clock.set(clock.now() + 60_000);
    expect((await one.request('/owner/sign-out', form({ csrf }, cookie))).status).toBe(303);
    const after = await two.request('/owner/summary', { headers: { cookie } });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/owner');
  });
});
