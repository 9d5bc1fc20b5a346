/**
 * The Lambda runtime wires CR_STORE_URL to the shopper links as `serve` does: a click on a cart
 * DynamoDB no longer holds lands on the page with the way to the store. DynamoDB is mocked at the
 * document client, the SDK boundary.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import { restoreTarget } from '../../src/domain/link-tokens.ts';
import { createAwsRuntime } from '../../src/lambda/aws-runtime.ts';

const dynamodb = mockClient(DynamoDBDocumentClient);
afterAll(() => dynamodb.restore());

describe('CR_STORE_URL on AWS', () => {
  it('a click on a cart that is gone lands on the page with a button to the store', async () => {
    dynamodb.on(GetCommand).resolves({});
    const runtime = createAwsRuntime(
      {
        CR_TABLE_STATE: 'cr-state',
        CR_TABLE_AUDIT: 'cr-audit',
        CR_TABLE_UNSUBSCRIBE: 'cr-unsubscribe',
        CR_SCHEDULE_GROUP: 'cr-wakeups',
        CR_WAITER_ARN: 'arn:aws:lambda:eu-west-1:1:function:cr-waiter',
        CR_SCHEDULER_ROLE_ARN: 'arn:aws:iam::1:role/cr-scheduler',
        CR_PUBLIC_URL: 'https://x.lambda-url.eu-west-1.on.aws',
        CR_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
        CR_OWNERS: 'owner:own_0123456789abcdef_token',
        CR_LINK_SECRET: 'link_secret_0123456789abcdef',
        CR_STORE_NAME: 'Linen & Co',
        CR_STORE_URL: 'https://linen.example/',
      },
      { clients: { dynamodb: new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }) } },
    );
    const token = (await runtime.links()).sign({
      purpose: 'click',
      cartId: 'c_gone',
      step: 2,
      target: restoreTarget('https://linen.example/cart/c_gone'),
    });
    const app = await runtime.app();
    const res = await app.request(`/c?t=${encodeURIComponent(token)}`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body).toContain('This cart is no longer available');
    expect(body).toContain(
      '<a class="button" href="https://linen.example/">Go to Linen &amp; Co</a>',
    );
  });
});
