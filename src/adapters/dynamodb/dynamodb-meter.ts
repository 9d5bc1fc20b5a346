/**
 * A DynamoDB billing meter at the SDK boundary: a middleware on a DynamoDBClient (and so on every
 * DynamoDBDocumentClient made from it) that prices each request by AWS's documented on-demand
 * rules (dynamodb-billing.ts), whatever the adapters send. DynamoDB Local's own
 * ConsumedCapacity is no meter: it is off from real billing (transactions, indexes, filtered
 * queries), so nothing here reads it.
 *
 * What a request costs depends on data the request does not carry, so the meter reads it with a
 * second, unmetered client on the same endpoint (the probe):
 *   - writes are billed on the larger of the item before and after, and each GSI on what it held
 *     before and holds after: the meter reads every written item just before the request and
 *     (for updates) just after. Exact when requests do not race on one item; the bench is
 *     sequential, so they do not.
 *   - Query and Scan are billed on every item the key condition read, before any filter and
 *     whatever the projection: when a request filters or projects, the meter runs the same page
 *     again (same key condition, start key and limit) without them and sizes what it reads.
 *   - GetItem and BatchGetItem with a projection are billed on the whole item: read it whole.
 * Probes change nothing the application sees: its own requests go out exactly as sent.
 *
 * Not documented by AWS, so assumed (and said in BENCHMARKS.md): a cancelled TransactWriteItems
 * is billed its prepare phase, one standard write per item of the item's current size (AWS
 * bills cancelled transactions but reports no figure); a ConditionCheck is a transactional write
 * of the checked item (2 units per KB), as measured against real DynamoDB by the
 * paritysuite/dynamodb-conformance suite; BatchWriteItem items left unprocessed are billed too.
 */
import {
  type CreateTableCommandInput,
  type DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { type AttributeMap, storageBytes, tableSchema } from './dynamodb-billing.ts';
import { type Bill, createProbe, type Input, type Output } from './dynamodb-meter-probe.ts';
import { meterReads } from './dynamodb-meter-reads.ts';
import { meterWrites } from './dynamodb-meter-writes.ts';

export { DynamoDbMeterError } from './dynamodb-meter-probe.ts';

export interface MeteredUse {
  readonly requests: number;
  readonly readUnits: number;
  /** Table and index writes together. */
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
}

export interface MeterSnapshot {
  readonly totals: MeteredUse;
  /**
   * By API and table (and index): "Query cr-audit/byMonth", "TransactWriteItems cr-state". A
   * transaction over two tables counts as a request under each; `totals.requests` counts it once.
   */
  readonly byOperation: Readonly<Record<string, MeteredUse>>;
  /**
   * Writes by API, table and item kind (the partition key's prefix before `#`): "PutItem cr-state
   * CART", "TransactWriteItems cr-audit HEALTH". Which items a change writes is what lean writes
   * are about, and the table alone does not say.
   */
  readonly byItemKind: Readonly<Record<string, MeteredUse>>;
}

export interface DynamoDbMeter {
  /** Meters every request `client` sends from now on (and its document clients'). */
  attach(client: DynamoDBClient): void;
  snapshot(): MeterSnapshot;
  reset(): void;
}

export interface DynamoDbMeterOptions {
  /** Definitions of every table the metered clients touch (keys, GSIs and their projections). */
  readonly tables: readonly CreateTableCommandInput[];
  /** Unmetered client on the same endpoint, for reading what requests do not return. */
  readonly probe: DynamoDBClient;
}

const ZERO: MeteredUse = { requests: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };

export function createDynamoDbMeter(options: DynamoDbMeterOptions): DynamoDbMeter {
  const probe = createProbe(options.probe, options.tables);
  const READS = meterReads(probe);
  const { writesOf, withBefore, committed, refused } = meterWrites(probe);
  let byOperation = new Map<string, MeteredUse>();
  let byItemKind = new Map<string, MeteredUse>();
  let calls = 0;

  function book(bills: readonly Bill[]) {
    const keys = new Set<string>();
    const add = (into: Map<string, MeteredUse>, key: string, bill: Bill) => {
      const prev = into.get(key) ?? ZERO;
      into.set(key, {
        requests: prev.requests + (keys.has(key) ? 0 : 1),
        readUnits: prev.readUnits + (bill.read ?? 0),
        writeUnits: prev.writeUnits + (bill.write ?? 0) + (bill.index ?? 0),
        indexWriteUnits: prev.indexWriteUnits + (bill.index ?? 0),
      });
      keys.add(key);
    };
    for (const bill of bills) {
      add(byOperation, bill.key, bill);
      if (bill.kind !== undefined) add(byItemKind, `${bill.key} ${bill.kind}`, bill);
    }
  }

  const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

  async function metered(api: string, input: Input, send: () => Promise<{ output: unknown }>) {
    const read = READS[api];
    const transactional = api === 'TransactWriteItems';
    if (read === undefined && !transactional && !WRITES.has(api)) return send();
    calls++;
    if (read !== undefined) {
      const result = await send();
      book(await read(input, result.output as Output));
      return result;
    }
    const writes = await withBefore(writesOf(api, input));
    try {
      const result = await send();
      book(await Promise.all(writes.map((w) => committed(api, w, transactional))));
      return result;
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      // A conditional write that fails, or a cancelled transaction, is still billed.
      if (name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException') {
        book(writes.map((w) => refused(api, w)));
      }
      throw error;
    }
  }

  return {
    attach(client) {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const api = String(context.commandName ?? '').replace(/Command$/, '');
          return metered(api, args.input as Input, () => next(args)) as ReturnType<typeof next>;
        },
        // At build the document client's input is already in the wire format.
        { step: 'build', name: 'crDynamoDbBillingMeter', override: true },
      );
    },
    snapshot() {
      const uses = [...byOperation.values()];
      const sum = (pick: (u: MeteredUse) => number) => uses.reduce((n, u) => n + pick(u), 0);
      return {
        totals: {
          requests: calls,
          readUnits: sum((u) => u.readUnits),
          writeUnits: sum((u) => u.writeUnits),
          indexWriteUnits: sum((u) => u.indexWriteUnits),
        },
        byOperation: Object.fromEntries(byOperation),
        byItemKind: Object.fromEntries(byItemKind),
      };
    },
    reset() {
      byOperation = new Map();
      byItemKind = new Map();
      calls = 0;
    },
  };
}

/** Bytes billed for storage in `table` now (every item, its index copies, 100 bytes each). */
export async function measureStorage(
  probe: DynamoDBClient,
  table: CreateTableCommandInput,
): Promise<{ readonly items: number; readonly bytes: number }> {
  const schema = tableSchema(table);
  let items = 0;
  let bytes = 0;
  let ExclusiveStartKey: AttributeMap | undefined;
  do {
    const out = await probe.send(new ScanCommand({ TableName: schema.name, ExclusiveStartKey }));
    for (const item of out.Items ?? []) {
      items++;
      bytes += storageBytes(item, schema);
    }
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
  return { items, bytes };
}
