/**
 * The never-send list on DynamoDB. Each change and its audit row are one TransactWriteItems, so
 * an unsubscribe is never on the list without its audit row, nor audited without being on it.
 * A new address costs one write, as before; only an address already on the list pays a read.
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
  mergeBlock,
  type UnsubscribeList,
  UnsubscribeListFaultError,
} from '../../ports/unsubscribe-list.ts';
import type { CapacityKind, UsageCounter } from '../../ports/usage-counter.ts';
import {
  type AnyDynamoDbClient,
  auditItem,
  cancellationCodes,
  dayKey,
  daysIn,
  errorName,
  Index,
  type Item,
  lostRace,
  padTime,
  queryAll,
  tallyWrites,
  toDocumentClient,
} from './dynamodb-tables.ts';

/** A failed DynamoDB call (the SDK's error as cause), as the port's fault error. */
export class UnsubscribeListError extends UnsubscribeListFaultError {
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

/** Each retry follows another writer's change to the same address; a handful settles any real race. */
const MAX_ATTEMPTS = 5;

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

/** A write's condition: the stored block is still exactly `seen`. */
function unchanged(seen: AddressBlock) {
  return {
    ConditionExpression: '#kind = :kind AND #actor = :actor AND #at = :at',
    ExpressionAttributeNames: { '#kind': 'kind', '#actor': 'actor', '#at': 'at' },
    ExpressionAttributeValues: { ':kind': seen.kind, ':actor': seen.actor, ':at': seen.at },
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

  /** Runs the change and its audit row together; false when it lost to another writer. */
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
            // A bounce or complaint is counted for sender health in the same write.
            ...tallyWrites([entry], auditTable),
          ],
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count(op, 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      count(op, 'write', undefined);
      // Its condition failed, or a concurrent transaction held the item: the caller reads again.
      if (lostRace(cancellationCodes(error)?.[0])) return false;
      fail(`TransactWriteItems (${op})`, error);
    }
  }

  async function read(email: string): Promise<AddressBlock | null> {
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
  }

  function unsettled(operation: string, email: string): never {
    throw new UnsubscribeListError(
      `DynamoDB ${operation} of ${email} on table ${table} lost the race ${MAX_ATTEMPTS} times in a row: the block kept changing under it`,
    );
  }

  return {
    get: read,

    /*
     * Each write is conditioned on exactly the block the read before it saw (kind, actor and
     * time), so two writers cannot both act on one state. Two copies of one complaint (SNS
     * delivers at least once, and two invocations can run side by side) for an address the
     * shopper had unsubscribed:
     *   A: put-if-absent fails                 B: put-if-absent fails
     *   A: reads `unsubscribed`                B: reads `unsubscribed`
     *   A: put-if-unchanged wins: upgraded     B: put-if-unchanged fails (it is `complained` now)
     *                                          B: reads `complained`: already, nothing written
     * One audit row, counted once. A bounce racing a complaint the same way fails its write after
     * the complaint lands, so it can never write `bounced` over `complained`; nor can a shopper's
     * unsubscribe racing the owner's write the shopper's name back over the owner's.
     */
    async add(block, entry) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const created = {
          Put: {
            TableName: table,
            Item: blockItem(block),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        };
        if (await change('unsubscribe.add', created, entry)) return 'added';
        const current = await read(block.email);
        // Lifted by the shopper between the put and the read: try it as a new block.
        if (current === null) continue;
        const next = mergeBlock(current, block);
        if (next === null) return 'already';
        const replaced = {
          Put: { TableName: table, Item: blockItem(next), ...unchanged(current) },
        };
        if (await change('unsubscribe.upgrade', replaced, entry)) return 'upgraded';
      }
      unsettled('add', block.email);
    },

    /*
     * The resubscribe path checks the block before it calls, but only the delete's own condition
     * holds at the moment of the write:
     *   resubscribe: reads `unsubscribed` by the shopper
     *   SES complaint: upgrades it to `complained` (or the owner's unsubscribe takes it over)
     *   resubscribe: delete-if-the-shopper's-unsubscribe fails: kept, and the newer block stands
     */
    async remove(email, entry) {
      const del = {
        Delete: {
          TableName: table,
          Key: key(email),
          ConditionExpression: '#kind = :unsubscribed AND #actor = :actor',
          ExpressionAttributeNames: { '#kind': 'kind', '#actor': 'actor' },
          ExpressionAttributeValues: { ':unsubscribed': Kinds.unsubscribed, ':actor': entry.actor },
        },
      };
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (await change('unsubscribe.remove', del, entry)) return 'removed';
        const current = await read(email);
        if (current === null) return 'absent';
        if (current.kind !== Kinds.unsubscribed) return 'kept';
        if (current.actor !== entry.actor) return 'kept_by_other';
        // Still the asker's unsubscribe: the delete lost a transaction conflict, not its condition.
      }
      unsettled('remove', email);
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
