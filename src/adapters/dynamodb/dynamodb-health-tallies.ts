/**
 * Sender health's day tallies on DynamoDB: the HEALTH partition of the audit table, one small item
 * per UTC day, written by the cart store and the unsubscribe list in the same transaction as the
 * audit row they count (tallyWrites in dynamodb-tables.ts). A refresh is one Query of at most 31
 * items of a few hundred bytes: about 3 read units, whatever the store's volume.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DayTally } from '../../domain/health-tally.ts';
import { type HealthTallies, HealthTalliesFaultError } from '../../ports/health-tallies.ts';
import type { UsageCounter } from '../../ports/usage-counter.ts';
import {
  type AnyDynamoDbClient,
  errorName,
  queryAll,
  TALLY_PK,
  toDocumentClient,
} from './dynamodb-tables.ts';

/** A failed DynamoDB call (the SDK's error as cause), as the port's fault error. */
export class HealthTalliesError extends HealthTalliesFaultError {
  override name = 'HealthTalliesError';
}

export interface DynamoDbHealthTalliesOptions {
  readonly client: AnyDynamoDbClient;
  readonly auditTable: string;
  readonly usage?: UsageCounter;
}

/** Attributes of a tally item that are keys or bookkeeping, not figures. */
const NOT_FIGURES = new Set(['pk', 'sk', 'expiresAt']);

export function createDynamoDbHealthTallies(options: DynamoDbHealthTalliesOptions): HealthTallies {
  const doc = toDocumentClient(options.client);
  const { auditTable, usage } = options;
  return {
    async between(firstDay, lastDay) {
      const items = queryAll(
        doc,
        {
          TableName: auditTable,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: {
            ':pk': TALLY_PK,
            ':first': `DAY#${firstDay}`,
            ':last': `DAY#${lastDay}`,
          },
          ConsistentRead: true,
        },
        {
          page: (consumed: ConsumedCapacity | undefined) =>
            usage?.recordDynamoDb('health.tallies', 'read', consumed),
          fail: (error) => {
            throw new HealthTalliesError(
              `DynamoDB Query (health tallies) on table ${auditTable} failed: ${errorName(error)}`,
              { cause: error },
            );
          },
        },
      );
      const tallies: DayTally[] = [];
      for await (const item of items) {
        const values: Record<string, number> = {};
        for (const [field, value] of Object.entries(item)) {
          if (!NOT_FIGURES.has(field) && typeof value === 'number') values[field] = value;
        }
        tallies.push({ day: String(item.sk).slice('DAY#'.length), values });
      }
      return tallies;
    },
  };
}
