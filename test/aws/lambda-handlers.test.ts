/**
 * The Lambda entry points in the small: input validation of the waiter and SES feedback, the
 * public URL of the HTTP function, secrets read once per container with variables winning, and
 * which faults are thrown (retried) rather than swallowed. SDKs are mocked at their boundary.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import type { LambdaEvent } from 'hono/aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { publicUrlFor } from '../../src/lambda/aws-env.ts';
import { type AwsRuntime, createAwsRuntime } from '../../src/lambda/aws-runtime.ts';
import { createHttpHandler } from '../../src/lambda/http.ts';
import { createMonthlySummaryHandler } from '../../src/lambda/monthly-summary.ts';
import { createNightlyExportHandler } from '../../src/lambda/nightly-export.ts';
import {
  dayToExport,
  monthToSummarise,
  previousDay,
  previousMonth,
} from '../../src/lambda/periods.ts';
import {
  createSecretReader,
  optionalSecret,
  parseGoogleCredentials,
  parseOwnerTokens,
  SecretsError,
} from '../../src/lambda/secrets.ts';
import { applySesFeedback } from '../../src/lambda/ses-feedback.ts';
import { createWaiterHandler, parseWaiterInput } from '../../src/lambda/waiter.ts';
import type { AddressBlock, UnsubscribeList } from '../../src/ports/unsubscribe-list.ts';

const secretsManager = mockClient(SecretsManagerClient);
// The adapters talk through the document client; its send is the SDK boundary here.
const dynamodb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  secretsManager.reset();
  dynamodb.reset();
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'info').mockImplementation(() => {});
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const sm = () => new SecretsManagerClient({ region: 'eu-west-1' });
const OWNER_TOKEN = 'own_0123456789abcdef_token';

function urlEvent(path: string, domainName: string, headers: Record<string, string> = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: domainName, ...headers },
    body: null,
    isBase64Encoded: false,
    requestContext: {
      domainName,
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 't' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  } as unknown as LambdaEvent;
}

describe('waiter input', () => {
  it('takes {"cartId"} as an object or as a JSON string', () => {
    expect(parseWaiterInput({ cartId: 'c_42' })).toEqual({ ok: true, cartId: 'c_42' });
    expect(parseWaiterInput('{"cartId":"shop:9.1"}')).toEqual({ ok: true, cartId: 'shop:9.1' });
  });

  it('names what is wrong with anything else', () => {
    for (const bad of [null, undefined, 42, [], {}, { cartId: '' }, { cartId: 7 }, { id: 'c_1' }]) {
      const result = parseWaiterInput(bad);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problem).toMatch(/cartId/);
    }
    expect(parseWaiterInput('not json')).toEqual({ ok: false, problem: 'input is not JSON' });
    expect(parseWaiterInput({ cartId: '../etc' }).ok).toBe(false);
    expect(parseWaiterInput({ cartId: 'x'.repeat(129) }).ok).toBe(false);
  });

  it('accepts every id the HTTP routes accept, and only those', () => {
    const CART_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 140 }), (id) => {
        expect(parseWaiterInput({ cartId: id }).ok).toBe(CART_ID.test(id));
      }),
    );
  });

  it('drops a bad input without building the runtime (no retry can fix it)', async () => {
    const runtime = vi.fn((): AwsRuntime => {
      throw new Error('must not be built');
    });
    const handler = createWaiterHandler(runtime);
    await expect(handler({ nope: true })).resolves.toMatchObject({ kind: 'dropped' });
    expect(runtime).not.toHaveBeenCalled();
    expect(console.error).toHaveBeenCalledOnce();
  });

  it('throws a DynamoDB fault, so the invocation is retried', async () => {
    dynamodb
      .on(GetCommand)
      .rejects(
        Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }),
      );
    const runtime = createAwsRuntime(
      {
        CR_TABLE_STATE: 'cr-state',
        CR_TABLE_AUDIT: 'cr-audit',
        CR_TABLE_UNSUBSCRIBE: 'cr-unsubscribe',
        CR_SCHEDULE_GROUP: 'cr-wakeups',
        CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:1:function:cr-waiter',
        CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/cr-scheduler',
        CR_PUBLIC_URL: 'https://x.lambda-url.eu-west-1.on.aws',
        CR_LINK_SECRET: 'link_secret_0123456789abcdef',
      },
      { clients: { dynamodb: new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }) } },
    );
    const handler = createWaiterHandler(() => runtime);
    await expect(handler({ cartId: 'c_42' })).rejects.toThrow(/ProvisionedThroughputExceeded/);
  });
});

describe('SES feedback input', () => {
  function memoryList() {
    const blocks = new Map<string, AddressBlock>();
    const list: UnsubscribeList = {
      get: async (email) => blocks.get(email) ?? null,
      async add(block) {
        if (blocks.has(block.email)) return 'already';
        blocks.set(block.email, block);
        return 'added';
      },
      remove: async () => 'absent',
      countBetween: async () => ({ unsubscribed: 0, bounced: 0, complained: 0 }),
    };
    return { list, blocks };
  }
  const record = (message: unknown, id = 'm1') => ({
    Sns: {
      MessageId: id,
      Message: typeof message === 'string' ? message : JSON.stringify(message),
    },
  });
  const clock = { now: () => 1_800_000_000_000 };

  it('skips what is not SES feedback, and transient bounces and deliveries, without writing', async () => {
    const { list, blocks } = memoryList();
    const event = {
      Records: [
        record('{"broken'),
        record({ hello: 'world' }),
        record({
          notificationType: 'Bounce',
          bounce: {
            bounceType: 'Transient',
            bouncedRecipients: [{ emailAddress: 'a@example.com' }],
          },
        }),
        record({ eventType: 'Delivery', delivery: {} }),
        { Sns: undefined },
      ],
    };
    const outcome = await applySesFeedback(event as never, { unsubscribes: list, clock });
    expect(outcome).toMatchObject({ added: [], already: [], ignored: 2 });
    expect(outcome.invalid).toHaveLength(3);
    expect(blocks.size).toBe(0);
    expect(await applySesFeedback({} as never, { unsubscribes: list, clock })).toMatchObject({
      invalid: [],
      ignored: 0,
    });
  });

  it('blocks complainers as complained and every permanently bounced recipient as bounced', async () => {
    const { list, blocks } = memoryList();
    const outcome = await applySesFeedback(
      {
        Records: [
          record({
            notificationType: 'Complaint',
            complaint: { complainedRecipients: [{ emailAddress: 'c@example.com' }] },
          }),
          record({
            eventType: 'Bounce',
            bounce: {
              bounceType: 'Permanent',
              bouncedRecipients: [
                { emailAddress: 'b1@example.com' },
                { emailAddress: 'B2@Example.com' },
              ],
            },
          }),
        ],
      } as never,
      { unsubscribes: list, clock },
    );
    expect(outcome.added).toEqual(['c@example.com', 'b1@example.com', 'b2@example.com']);
    expect([...blocks.values()].map((b) => [b.email, b.kind, b.actor])).toEqual([
      ['c@example.com', 'complained', 'system'],
      ['b1@example.com', 'bounced', 'system'],
      ['b2@example.com', 'bounced', 'system'],
    ]);
  });

  it('throws when the list cannot be written, so SNS redelivers', async () => {
    const { list } = memoryList();
    const failing = { ...list, add: async () => Promise.reject(new Error('DynamoDB down')) };
    const event = {
      Records: [
        record({
          eventType: 'Complaint',
          complaint: { complainedRecipients: [{ emailAddress: 'c@example.com' }] },
        }),
      ],
    };
    await expect(
      applySesFeedback(event as never, { unsubscribes: failing, clock }),
    ).rejects.toThrow('DynamoDB down');
  });
});

describe('public URL of the HTTP function', () => {
  it('is CR_PUBLIC_URL when set, else https:// and the Function URL domain of the request', () => {
    const event = { requestContext: { domainName: 'ABC.lambda-url.eu-west-1.on.aws' } };
    expect(publicUrlFor({ CR_PUBLIC_URL: 'https://recovery.shop.example/' }, event)).toBe(
      'https://recovery.shop.example',
    );
    expect(publicUrlFor({}, event)).toBe('https://abc.lambda-url.eu-west-1.on.aws');
    expect(publicUrlFor({ CR_PUBLIC_URL: ' ' }, event)).toBe(
      'https://abc.lambda-url.eu-west-1.on.aws',
    );
    expect(publicUrlFor({}, {})).toBeUndefined();
    expect(
      publicUrlFor({}, { requestContext: { domainName: 'evil.example/path?x' } }),
    ).toBeUndefined();
  });

  it('builds the app once per container, from the first request domain', async () => {
    const seen: (string | undefined)[] = [];
    const env = {
      CR_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      CR_OWNERS: `owner:${OWNER_TOKEN}`,
      CR_LINK_SECRET: 'link_secret_0123456789abcdef',
      CR_TABLE_STATE: 's',
      CR_TABLE_AUDIT: 'a',
      CR_TABLE_UNSUBSCRIBE: 'u',
      CR_SCHEDULE_GROUP: 'g',
      CR_WAITER_ARN: 'w',
      CR_SCHEDULER_ROLE_ARN: 'r',
    };
    const handler = createHttpHandler((publicUrl) => {
      seen.push(publicUrl);
      return createAwsRuntime(env, publicUrl === undefined ? {} : { publicUrl });
    }, env);
    const first = await handler(urlEvent('/health', 'one.lambda-url.eu-west-1.on.aws'));
    await handler(urlEvent('/health', 'two.lambda-url.eu-west-1.on.aws'));
    expect(first).toMatchObject({ statusCode: 200, body: '{"ok":true}' });
    expect(seen).toEqual(['https://one.lambda-url.eu-west-1.on.aws']);
  });

  it('the deployed handler runs from process.env, secrets given as values need no Secrets Manager', async () => {
    for (const [name, value] of Object.entries({
      CR_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      CR_OWNERS: `owner:${OWNER_TOKEN}`,
      CR_LINK_SECRET: 'link_secret_0123456789abcdef',
      CR_OWNERS_SECRET_NAME: 'cr/owner-tokens',
      CR_TABLE_STATE: 's',
      CR_TABLE_AUDIT: 'a',
      CR_TABLE_UNSUBSCRIBE: 'u',
      CR_SCHEDULE_GROUP: 'g',
      CR_WAITER_ARN: 'w',
      CR_SCHEDULER_ROLE_ARN: 'r',
      AWS_REGION: 'eu-west-1',
    })) {
      vi.stubEnv(name, value);
    }
    const { handler } = await import('../../src/lambda/http.ts');
    const health = await handler(urlEvent('/health', 'abc.lambda-url.eu-west-1.on.aws'));
    expect(health).toMatchObject({ statusCode: 200 });
    // The owner API is there, guarded by the CR_OWNERS token.
    const denied = await handler(
      urlEvent('/owner/api/carts?day=2026-11-23', 'abc.lambda-url.eu-west-1.on.aws'),
    );
    expect(denied.statusCode).toBe(401);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});

describe('secrets', () => {
  it('reads each name once per container, concurrent first reads included', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'cr/webhook-secret' })
      .resolves({ SecretString: 'whsec_value_0123456789' });
    const reader = createSecretReader(sm());
    const values = await Promise.all([
      reader.read('cr/webhook-secret'),
      reader.read('cr/webhook-secret'),
    ]);
    expect(await reader.read('cr/webhook-secret')).toBe('whsec_value_0123456789');
    expect(values).toEqual(['whsec_value_0123456789', 'whsec_value_0123456789']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not cache a failure: the next invocation asks again', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: 'second time lucky 0123' });
    const reader = createSecretReader(sm());
    await expect(reader.read('cr/link-secret')).rejects.toThrow(
      /cr\/link-secret.*ThrottlingException/,
    );
    expect(await reader.read('cr/link-secret')).toBe('second time lucky 0123');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret with no string value', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1]) });
    await expect(createSecretReader(sm()).read('cr/x')).rejects.toThrow(SecretsError);
  });

  it('lets a variable holding the value win over the secret name', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'from secrets manager 01' });
    const reader = createSecretReader(sm());
    const env = { CR_LINK_SECRET: 'from env 0123456789', CR_LINK_SECRET_NAME: 'cr/link-secret' };
    expect(await optionalSecret(env, reader, 'CR_LINK_SECRET', 'CR_LINK_SECRET_NAME')).toBe(
      'from env 0123456789',
    );
    expect(
      await optionalSecret(
        { CR_LINK_SECRET_NAME: 'cr/link-secret' },
        reader,
        'CR_LINK_SECRET',
        'CR_LINK_SECRET_NAME',
      ),
    ).toBe('from secrets manager 01');
    expect(
      await optionalSecret({}, reader, 'CR_SHOPIFY_SECRET', 'CR_SHOPIFY_SECRET_NAME'),
    ).toBeUndefined();
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('owner tokens come from CR_OWNERS when set, else from the owner-tokens secret', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: 'cr/owner-tokens' }).resolves({
      SecretString: JSON.stringify({ owner: OWNER_TOKEN, sam: 'sam_token_0123456789abc' }),
    });
    const fromSecret = createAwsRuntime(
      { CR_OWNERS_SECRET_NAME: 'cr/owner-tokens' },
      { clients: { secretsManager: sm() } },
    );
    expect(await fromSecret.owners()).toEqual([
      { name: 'owner', token: OWNER_TOKEN },
      { name: 'sam', token: 'sam_token_0123456789abc' },
    ]);
    const fromEnv = createAwsRuntime(
      { CR_OWNERS: 'alex:alex_token_0123456789', CR_OWNERS_SECRET_NAME: 'cr/owner-tokens' },
      { clients: { secretsManager: sm() } },
    );
    expect(await fromEnv.owners()).toEqual([{ name: 'alex', token: 'alex_token_0123456789' }]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('checks the shape of the owner-tokens and Google secrets', () => {
    expect(() => parseOwnerTokens('nope')).toThrow(/not JSON/);
    expect(() => parseOwnerTokens('["a"]')).toThrow(/JSON object/);
    expect(() => parseOwnerTokens('{}')).toThrow(/no owner token/);
    expect(() => parseOwnerTokens('{"sam":"short"}')).toThrow(/at least 16/);
    expect(() => parseOwnerTokens(`{"bad name":"${OWNER_TOKEN}"}`)).toThrow(
      /not a valid owner name/,
    );
    expect(
      parseGoogleCredentials('{"client_email":"a@b.iam.gserviceaccount.com","private_key":"PEM"}'),
    ).toEqual({ clientEmail: 'a@b.iam.gserviceaccount.com', privateKey: 'PEM' });
    expect(() => parseGoogleCredentials('{"client_email":"a@b"}')).toThrow(/private_key/);
  });
});

describe('scheduled runs', () => {
  it('cover the last complete local day and month, or the one the event names', () => {
    const at = Date.parse('2026-03-01T03:30:00Z');
    expect(previousDay(at, 'UTC')).toBe('2026-02-28');
    // Still 28 February in New York: the complete day before is the 27th, the month before January.
    expect(previousDay(at, 'America/New_York')).toBe('2026-02-27');
    expect(previousMonth(at, 'UTC')).toBe('2026-02');
    expect(previousMonth(at, 'America/New_York')).toBe('2026-01');
    expect(previousMonth(Date.parse('2026-01-15T12:00:00Z'), 'UTC')).toBe('2025-12');
    expect(dayToExport({ day: '2026-11-23' }, at, 'UTC')).toBe('2026-11-23');
    expect(() => dayToExport({ day: '2026-02-30' }, at, 'UTC')).toThrow(/date like/);
    expect(monthToSummarise({ month: '2026-11' }, at, 'UTC')).toBe('2026-11');
    expect(() => monthToSummarise({ month: '2026-13' }, at, 'UTC')).toThrow(/2026-11/);
  });

  it('skip, and say why, when no sheet folder or no report address is configured', async () => {
    const runtime = createAwsRuntime({});
    await expect(createNightlyExportHandler(() => runtime)({})).resolves.toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/CR_GOOGLE_FOLDER_ID/),
    });
    await expect(createMonthlySummaryHandler(() => runtime)({})).resolves.toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/CR_REPORT_TO/),
    });
  });
});
