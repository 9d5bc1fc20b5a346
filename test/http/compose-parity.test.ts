/**
 * Both runtimes serve one app: the local runtime (SQLite, `serve`) and the AWS runtime (DynamoDB
 * Local, Secrets Manager a stand-in at the SDK boundary) expose the same routes, method and path,
 * and the same owner pages, and the summary page answers with the month's summary on both (the
 * monthly email links to it).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsRuntime } from '../../src/lambda/aws-runtime.ts';
import { derivedSecret } from '../../src/lambda/secrets.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';

const SEED = 'parity_seed_0123456789abcdef0123456789';
const START = Date.parse('2026-11-23T10:00:00Z');
const secretsManager = mockClient(SecretsManagerClient);

let emulator: DynamoDbLocal;
let local: ReturnType<typeof openTestRuntime>;
let aws: Hono;

beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  const client = emulator.client();
  const tables = await createTables(client);
  secretsManager
    .on(GetSecretValueCommand, { SecretId: 'cr/secrets' })
    .resolves({ SecretString: JSON.stringify({ seed: SEED }) });
  local = openTestRuntime({ CR_PUBLIC_URL: 'https://shop-recovery.example' });
  const runtime = createAwsRuntime(
    {
      CR_TABLE_STATE: tables.state,
      CR_TABLE_AUDIT: tables.audit,
      CR_TABLE_UNSUBSCRIBE: tables.unsubscribe,
      CR_SCHEDULE_GROUP: 'cr-wakeups',
      CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:cr-waiter',
      CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cr-scheduler',
      CR_PUBLIC_URL: 'https://abc.lambda-url.eu-west-1.on.aws',
      CR_SECRETS_NAME: 'cr/secrets',
    },
    {
      clients: {
        dynamodb: client,
        secretsManager: new SecretsManagerClient({ region: 'eu-west-1' }),
      },
      clock: createManualClock(START),
    },
  );
  aws = await runtime.app();
}, 120_000);

afterAll(async () => {
  await local?.close();
  await emulator?.stop();
});

const routesOf = (app: Hono) => [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))].sort();
const isOwnerPage = (route: string) => / \/owner(\/|$)/.test(route) && !route.includes('/api/');

async function signedIn(app: Hono, token: string): Promise<string> {
  const res = await app.request('/owner/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('one app on both runtimes', () => {
  it('exposes the same routes, method and path, locally and on AWS', () => {
    const routes = routesOf(local.app);
    expect(routes).toEqual(routesOf(aws));
    for (const route of ['POST /events', 'POST /webhooks/shopify', 'GET /owner/summary']) {
      expect(routes).toContain(route);
    }
  });

  it('has the same owner pages on both, the summary among them', () => {
    const pages = routesOf(local.app).filter(isOwnerPage);
    expect(pages.length).toBeGreaterThan(5);
    expect(routesOf(aws).filter(isOwnerPage)).toEqual(pages);
  });

  it('serves the monthly summary page on AWS as it does under serve', async () => {
    for (const [app, token] of [
      [aws, derivedSecret(SEED, 'owner')],
      [local.app, RT_OWNER],
    ] as const) {
      const cookie = await signedIn(app, token);
      const res = await app.request('/owner/summary?month=2026-11', { headers: { cookie } });
      expect(res.status).toBe(200);
      const page = await res.text();
      expect(page).toContain('Summary for 2026-11');
      expect(page).not.toContain('not configured');
      // Only the local install labels the AWS lines as what it would cost there.
      expect(page.includes('pays AWS nothing')).toBe(app === local.app);
    }
  });
});
