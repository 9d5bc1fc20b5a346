/**
 * The never-send list on DynamoDB. Each change and its audit row are one TransactWriteItems, so
 * an unsubscribe is never on the list without its audit row, nor audited without being on it.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit.ts';
import {
  type AddressBlock,
  type BlockKind,
  BlockKind as Kinds,
  type UnsubscribeList,
} from '../../ports/unsubscribe-list.ts';
import {
  type AnyDynamoDbClient,
  auditItem,
  cancellationCodes,
  dayKey,
  daysIn,
  errorName,
  Index,
  type Item,
  padTime,
  queryAll,
  toDocumentClient,
} from './dynamodb-tables.ts';
import type { CapacityKind, UsageCounter } from './usage-counter.ts';

export class UnsubscribeListError extends Error {
  override name = 'UnsubscribeListError';
}

export interface DynamoDbUnsubscribeListOptions {
  readonly client: AnyDynamoDbClient;
  readonly table: string;
  readonly auditTable: string;
  readonly usage?: UsageCounter;
  /** Audit rows expire this long after their `at` (TTL); null keeps them forever. Default ~13 months. */
  readonly auditRetentionDays?: number | null;
}

const key = (email: string) => ({ pk: `EMAIL#${email}` });

function blockItem(block: AddressBlock): Item {
  return {
    ...key(block.email),
    email: block.email,
    kind: block.kind,
    at: block.at,
    actor: block.actor,
    gsi2pk: dayKey(block.at),
    gsi2sk: `${padTime(block.at)}#${block.email}`,
  };
}

export function createDynamoDbUnsubscribeList(
  options: DynamoDbUnsubscribeListOptions,
): UnsubscribeList {
  const doc = toDocumentClient(options.client);
  const { table, auditTable, usage } = options;
  const retention = options.auditRetentionDays === undefined ? 400 : options.auditRetentionDays;
  const count = (
    op: string,
    kind: CapacityKind,
    consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
  ) => usage?.recordDynamoDb(op, kind, consumed);

  function fail(operation: string, error: unknown): never {
    throw new UnsubscribeListError(
      `DynamoDB ${operation} on table ${table} failed: ${errorName(error)}`,
      {
        cause: error,
      },
    );
  }

  /** Runs the change and its audit row together; false when the change's condition failed. */
  async function change(
    op: string,
    first: NonNullable<TransactWriteCommandInput['TransactItems']>[number],
    entry: AuditEntry,
  ): Promise<boolean> {
    try {
      const out = await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            first,
            { Put: { TableName: auditTable, Item: auditItem(entry, retention) } },
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count(op, 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      count(op, 'write', undefined);
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      fail(`TransactWriteItems (${op})`, error);
    }
  }

  return {
    async get(email) {
      try {
        const out = await doc.send(
          new GetCommand({
            TableName: table,
            Key: key(email),
            ConsistentRead: true,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        count('unsubscribe.get', 'read', out.ConsumedCapacity);
        if (out.Item === undefined) return null;
        const { email: stored, kind, at, actor } = out.Item;
        return {
          email: String(stored),
          kind: kind as BlockKind,
          at: Number(at),
          actor: String(actor),
        };
      } catch (error) {
        fail('GetItem', error);
      }
    },

    async add(block, entry) {
      const put = {
        Put: {
          TableName: table,
          Item: blockItem(block),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      return (await change('unsubscribe.add', put, entry)) ? 'added' : 'already';
    },

    async remove(email, entry) {
      const del = {
        Delete: { TableName: table, Key: key(email), ConditionExpression: 'attribute_exists(pk)' },
      };
      return (await change('unsubscribe.remove', del, entry)) ? 'removed' : 'absent';
    },

    async countBetween(from, to) {
      const counts: Record<BlockKind, number> = {
        [Kinds.unsubscribed]: 0,
        [Kinds.bounced]: 0,
        [Kinds.complained]: 0,
      };
      if (to <= from) return counts;
      for (const day of daysIn(from, to)) {
        const items = queryAll(
          doc,
          {
            TableName: table,
            IndexName: Index.byDay,
            KeyConditionExpression: 'gsi2pk = :day AND gsi2sk BETWEEN :lo AND :hi',
            ExpressionAttributeValues: {
              ':day': dayKey(day),
              ':lo': padTime(from),
              ':hi': padTime(to),
            },
            ProjectionExpression: 'kind',
          },
          {
            page: (consumed) => count('unsubscribe.countBetween', 'read', consumed),
            fail: (error) => fail('Query (countBetween)', error),
          },
        );
        for await (const item of items) {
          const kind = item.kind as BlockKind;
          if (kind in counts) counts[kind]++;
        }
      }
      return counts;
    },
  };
}
