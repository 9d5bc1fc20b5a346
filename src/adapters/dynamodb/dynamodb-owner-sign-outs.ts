/**
 * Owner sign-outs on DynamoDB: one item per owner in the state table (`OWNER#<name>`, beside the
 * carts; the HTTP function already reads and writes it, so no new table or grant). Reads are
 * strongly consistent: a sign-out on one Lambda instance ends the session on all of them at once.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type OwnerSignOuts, OwnerSignOutsFaultError } from '../../ports/owner-sign-outs.ts';
import type { UsageCounter } from '../../ports/usage-counter.ts';
import { type AnyDynamoDbClient, errorName, toDocumentClient } from './dynamodb-tables.ts';

/** A failed DynamoDB call (the SDK's error as cause), as the port's fault error. */
export class OwnerSignOutsError extends OwnerSignOutsFaultError {
  override name = 'OwnerSignOutsError';
}

export interface DynamoDbOwnerSignOutsOptions {
  readonly client: AnyDynamoDbClient;
  readonly stateTable: string;
  readonly usage?: UsageCounter;
}

const key = (owner: string) => ({ pk: `OWNER#${owner}`, sk: 'SIGN_OUT' });

export function createDynamoDbOwnerSignOuts(options: DynamoDbOwnerSignOutsOptions): OwnerSignOuts {
  const doc = toDocumentClient(options.client);
  const { stateTable: table, usage } = options;
  const fail = (operation: string, owner: string, error: unknown): never => {
    throw new OwnerSignOutsError(
      `DynamoDB ${operation} of the sign-out of owner ${owner} on table ${table} failed: ${errorName(error)}`,
      { cause: error },
    );
  };

  return {
    async lastSignOut(owner) {
      try {
        const out = await doc.send(
          new GetCommand({
            TableName: table,
            Key: key(owner),
            ConsistentRead: true,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        usage?.recordDynamoDb('ownerSignOuts.get', 'read', out.ConsumedCapacity);
        return out.Item === undefined ? null : Number(out.Item.at);
      } catch (error) {
        return fail('GetItem', owner, error);
      }
    },

    /*
     * Two sign-outs of one owner at once (two tabs, two instances):
     *   A: put at=T2 if absent or older: wins      B: put at=T1 if absent or older: fails (T2 > T1)
     * The later time stays whichever lands last; the failed condition is not an error.
     */
    async signOut(owner, at) {
      try {
        const out = await doc.send(
          new PutCommand({
            TableName: table,
            Item: { ...key(owner), owner, at },
            ConditionExpression: 'attribute_not_exists(pk) OR #at < :at',
            ExpressionAttributeNames: { '#at': 'at' },
            ExpressionAttributeValues: { ':at': at },
            ReturnConsumedCapacity: 'TOTAL',
          }),
        );
        usage?.recordDynamoDb('ownerSignOuts.put', 'write', out.ConsumedCapacity);
      } catch (error) {
        if (errorName(error) === 'ConditionalCheckFailedException') return;
        fail('PutItem', owner, error);
      }
    },
  };
}
