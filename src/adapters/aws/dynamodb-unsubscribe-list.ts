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
  type UnsubscribeList,
  weakerThan,
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
  lostRace,
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
     * Each write is conditioned on what the read before it saw, so two writers cannot both act on
     * one state. Two copies of one complaint (SNS delivers at least once, and two invocations can
     * run side by side) for an address the shopper had unsubscribed:
     *   A: put-if-absent fails                 B: put-if-absent fails
     *   A: reads `unsubscribed`                B: reads `unsubscribed`
     *   A: put-if-weaker wins: upgraded        B: put-if-weaker fails (it is `complained` now)
     *                                          B: reads `complained`: already, nothing written
     * One audit row, counted once. A bounce racing a complaint the same way fails its put-if-weaker
     * after the complaint lands, so it can never write `bounced` over `complained`.
     */
    async add(block, entry) {
      const weaker = weakerThan(block.kind);
      const put = (condition: string, values?: Record<string, string>) => ({
        Put: {
          TableName: table,
          Item: blockItem(block),
          ConditionExpression: condition,
          ...(values === undefined ? {} : { ExpressionAttributeValues: values }),
        },
      });
      // "The stored kind ranks lower than this one", spelled as the list of lower kinds.
      const values = Object.fromEntries(weaker.map((kind, i) => [`:weaker${i}`, kind]));
      const ifWeaker = `kind IN (${Object.keys(values).join(', ')})`;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (await change('unsubscribe.add', put('attribute_not_exists(pk)'), entry)) return 'added';
        const current = await read(block.email);
        // Lifted by the shopper between the put and the read: try it as a new block.
        if (current === null) continue;
        if (!weaker.includes(current.kind)) return 'already';
        if (await change('unsubscribe.upgrade', put(ifWeaker, values), entry)) return 'upgraded';
      }
      unsettled('add', block.email);
    },

    /*
     * The resubscribe path checks the kind before it calls, but only the delete's own condition
     * holds at the moment of the write:
     *   resubscribe: reads `unsubscribed`
     *   SES complaint: upgrades it to `complained`
     *   resubscribe: delete-if-unsubscribed fails: kept, and the complaint stands
     */
    async remove(email, entry) {
      const del = {
        Delete: {
          TableName: table,
          Key: key(email),
          ConditionExpression: 'kind = :unsubscribed',
          ExpressionAttributeValues: { ':unsubscribed': Kinds.unsubscribed },
        },
      };
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (await change('unsubscribe.remove', del, entry)) return 'removed';
        const current = await read(email);
        if (current === null) return 'absent';
        if (current.kind !== Kinds.unsubscribed) return 'kept';
        // Still `unsubscribed`: the delete lost a transaction conflict, not its condition.
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
