/**
 * The billing meter on DynamoDB Local, through the document client as the adapters use it: each
 * figure is worked by hand from AWS's rules (see src/adapters/dynamodb/dynamodb-billing.test.ts), so a
 * meter that read DynamoDB Local's ConsumedCapacity, or missed an index, a filter or a projection,
 * fails here.
 */
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDbMeter,
  type DynamoDbMeter,
} from '../../src/adapters/dynamodb/dynamodb-meter.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';

const TABLE = {
  TableName: 'meter-test',
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: ['pk', 'sk', 'gsi1pk'].map((AttributeName) => ({
    AttributeName,
    AttributeType: 'S' as const,
  })),
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byEmail',
      KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' as const }],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
};

/** pk 2+1, sk 2+1, gsi1pk 6+3, body 4+n: 19 + n bytes. */
const item = (pk: string, n: number, gsi1pk = 'E#1') => ({
  pk,
  sk: '1',
  gsi1pk,
  body: 'x'.repeat(n),
});

let emulator: DynamoDbLocal;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let meter: DynamoDbMeter;

beforeAll(async () => {
  emulator = await startDynamoDbLocal();
  const probe = emulator.client();
  await probe.send(new CreateTableCommand(TABLE));
  client = emulator.client();
  meter = createDynamoDbMeter({ tables: [TABLE], probe });
  meter.attach(client);
  doc = DynamoDBDocumentClient.from(client);
}, 120_000);

afterAll(async () => {
  await emulator?.stop();
});

const measure = async (run: () => Promise<unknown>) => {
  meter.reset();
  await run();
  return meter.snapshot().totals;
};

describe('DynamoDB billing meter (DynamoDB Local, document client)', () => {
  it('bills a put on the item and on its index copy', async () => {
    // 1,519 bytes: 2 units in the table, 2 in byEmail.
    const use = await measure(() =>
      doc.send(new PutCommand({ TableName: TABLE.TableName, Item: item('a', 1500) })),
    );
    expect(use).toEqual({ requests: 1, readUnits: 0, writeUnits: 4, indexWriteUnits: 2 });
  });

  it('bills an update that moves the index key as a delete and a put in the index', async () => {
    const use = await measure(() =>
      doc.send(
        new UpdateCommand({
          TableName: TABLE.TableName,
          Key: { pk: 'a', sk: '1' },
          UpdateExpression: 'SET gsi1pk = :e',
          ExpressionAttributeValues: { ':e': 'E#2' },
        }),
      ),
    );
    // Table: larger of 1,519 and 1,519 -> 2. Index: delete 2 + put 2.
    expect(use).toMatchObject({ writeUnits: 6, indexWriteUnits: 4 });
  });

  it('bills a conditional put that fails on the existing item, and still throws', async () => {
    meter.reset();
    await expect(
      doc.send(
        new PutCommand({
          TableName: TABLE.TableName,
          Item: item('a', 10),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    // The existing item (1,519 bytes) decides: 2 units; no index write happened.
    expect(meter.snapshot().totals).toMatchObject({ writeUnits: 2, indexWriteUnits: 0 });
  });

  it('bills a projected get on the whole item', async () => {
    await doc.send(new PutCommand({ TableName: TABLE.TableName, Item: item('big', 5000, 'E#9') }));
    const use = await measure(() =>
      doc.send(
        new GetCommand({
          TableName: TABLE.TableName,
          Key: { pk: 'big', sk: '1' },
          ProjectionExpression: 'pk',
          ConsistentRead: true,
        }),
      ),
    );
    // 5,019 bytes read strongly: two 4 KB blocks, though only "pk" came back.
    expect(use.readUnits).toBe(2);
  });

  it('bills a filtered index query on every item its key condition read', async () => {
    for (const pk of ['q1', 'q2', 'q3']) {
      await doc.send(new PutCommand({ TableName: TABLE.TableName, Item: item(pk, 1500, 'E#Q') }));
    }
    meter.reset();
    const out = await doc.send(
      new QueryCommand({
        TableName: TABLE.TableName,
        IndexName: 'byEmail',
        KeyConditionExpression: 'gsi1pk = :e',
        FilterExpression: 'body = :nothing',
        ProjectionExpression: 'pk',
        ExpressionAttributeValues: { ':e': 'E#Q', ':nothing': 'no such body' },
      }),
    );
    expect(out.Items).toEqual([]);
    // 3 x 1,519 = 4,557 bytes: two 4 KB blocks, eventually consistent (an index): 1 unit.
    expect(meter.snapshot().totals.readUnits).toBe(1);
  });

  it('doubles transactional writes and bills a condition check as a transactional write', async () => {
    const use = await measure(() =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE.TableName, Item: { pk: 't', sk: '1', n: 1 } } },
            {
              ConditionCheck: {
                TableName: TABLE.TableName,
                Key: { pk: 'big', sk: '1' },
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
          ],
        }),
      ),
    );
    // Put: 11 bytes -> 1 x 2. Check of the 5,019-byte item: 5 x 2. The put has no gsi1pk.
    expect(use).toEqual({ requests: 1, readUnits: 0, writeUnits: 12, indexWriteUnits: 0 });
    // Broken down by item kind (the partition key before '#'; here the whole key) and role.
    const kinds = meter.snapshot().byItemKind;
    expect(kinds[`TransactWriteItems ${TABLE.TableName} t`]?.writeUnits).toBe(2);
    expect(kinds[`TransactWriteItems ${TABLE.TableName} big check`]?.writeUnits).toBe(10);
  });

  it('bills a cancelled transaction its prepare phase: one write per item at its current size', async () => {
    meter.reset();
    await expect(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: TABLE.TableName,
                Item: item('big', 1),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: TABLE.TableName, Item: { pk: 'new', sk: '1' } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'TransactionCanceledException' });
    // big: 5,019 bytes -> 5; new: nothing there yet -> 1.
    expect(meter.snapshot().totals).toMatchObject({ writeUnits: 6, indexWriteUnits: 0 });
  });
});
