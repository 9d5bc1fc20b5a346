/**
 * The browser lane's address budget on DynamoDB, in the state table (the waiter already reads and
 * writes it): one item per admitted address (`BUDGET#ADDRESS#<email>`) and one counter per day
 * (`BUDGET#DAY#<day>`). An admission is one TransactWriteItems of both, each conditional: the
 * address must be new, and the day's count under the cap. Two waiters admitting into the last
 * place both send the transaction; one commits, the other is cancelled and reads "full".
 *
 * Items expire by TTL: a day's counter after 40 days, an address after 400 (a shopper not seen
 * for more than a year counts as new again).
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AddressBudget,
  AddressBudgetFaultError,
  type BudgetAdmit,
  type BudgetPeek,
} from '../../ports/address-budget.ts';
import type { CapacityKind, UsageCounter } from '../../ports/usage-counter.ts';
import {
  type AnyDynamoDbClient,
  cancellationCodes,
  errorName,
  TTL_ATTRIBUTE,
  toDocumentClient,
} from './dynamodb-tables.ts';

/** A failed DynamoDB call (the SDK's error as cause), as the port's fault error. */
export class AddressBudgetError extends AddressBudgetFaultError {
  override readonly name = 'AddressBudgetError';
}

export interface DynamoDbAddressBudgetOptions {
  readonly client: AnyDynamoDbClient;
  /** The state table (CR_TABLE_STATE). */
  readonly table: string;
  readonly usage?: UsageCounter;
}

const SK = 'BUDGET';
const addressKey = (email: string) => ({ pk: `BUDGET#ADDRESS#${email}`, sk: SK });
const dayKey = (day: string) => ({ pk: `BUDGET#DAY#${day}`, sk: SK });
const DAY_S = 86_400;
/** A conflicting transaction (another admission of this day) is retried; a handful settles it. */
const MAX_ATTEMPTS = 5;

export function createDynamoDbAddressBudget(options: DynamoDbAddressBudgetOptions): AddressBudget {
  const doc = toDocumentClient(options.client);
  const { table, usage } = options;
  const count = (op: string, kind: CapacityKind, consumed: ConsumedCapacity | undefined) =>
    usage?.recordDynamoDb(op, kind, consumed);

  function fail(operation: string, error: unknown): never {
    throw new AddressBudgetError(
      `DynamoDB ${operation} on table ${table} failed: ${errorName(error)}`,
      { cause: error },
    );
  }

  async function read(op: string, key: { pk: string; sk: string }) {
    try {
      const out = await doc.send(
        new GetCommand({
          TableName: table,
          Key: key,
          ConsistentRead: true,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count(op, 'read', out.ConsumedCapacity);
      return out.Item;
    } catch (error) {
      fail(op, error);
    }
  }

  async function peek(email: string, day: string, cap: number): Promise<BudgetPeek> {
    if ((await read('budget.peek', addressKey(email))) !== undefined) return 'known';
    const admitted = Number((await read('budget.peek', dayKey(day)))?.admitted ?? 0);
    return admitted < cap ? 'room' : 'full';
  }

  async function admitOnce(
    email: string,
    day: string,
    cap: number,
    at: number,
  ): Promise<BudgetAdmit | 'retry'> {
    const seconds = Math.floor(at / 1000);
    try {
      const out = await doc.send(
        new TransactWriteCommand({
          ReturnConsumedCapacity: 'TOTAL',
          TransactItems: [
            {
              Put: {
                TableName: table,
                Item: {
                  ...addressKey(email),
                  day,
                  at,
                  [TTL_ATTRIBUTE]: seconds + 400 * DAY_S,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: table,
                Key: dayKey(day),
                UpdateExpression:
                  'SET admitted = if_not_exists(admitted, :zero) + :one, #ttl = :ttl',
                ConditionExpression: 'attribute_not_exists(admitted) OR admitted < :cap',
                ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
                ExpressionAttributeValues: {
                  ':zero': 0,
                  ':one': 1,
                  ':cap': cap,
                  ':ttl': seconds + 40 * DAY_S,
                },
              },
            },
          ],
        }),
      );
      for (const consumed of out.ConsumedCapacity ?? []) count('budget.admit', 'write', consumed);
      return 'admitted';
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes === null) fail('budget.admit', error);
      if (codes[0] === 'ConditionalCheckFailed') return 'known';
      if (codes[1] === 'ConditionalCheckFailed') return 'full';
      if (codes.includes('TransactionConflict')) return 'retry';
      fail('budget.admit', error);
    }
  }

  return {
    peek,
    async admit(email, day, cap, at) {
      // A cap of 0 admits no one; the conditional update would say the same, after a write.
      if (cap <= 0) return (await peek(email, day, cap)) === 'known' ? 'known' : 'full';
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const outcome = await admitOnce(email, day, cap, at);
        if (outcome !== 'retry') return outcome;
      }
      throw new AddressBudgetError(
        `admitting ${email} on ${day}: ${MAX_ATTEMPTS} conflicting transactions in a row`,
      );
    },
  };
}
