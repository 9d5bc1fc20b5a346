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
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  type AttributeMap,
  indexWrite,
  itemSize,
  ReadMode,
  readUnits,
  storageBytes,
  type TableSchema,
  tableSchema,
  toAttributeMap,
  writeUnits,
} from './dynamodb-billing.ts';

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

export class DynamoDbMeterError extends Error {
  override readonly name = 'DynamoDbMeterError';
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown> | undefined;
interface Bill {
  readonly key: string;
  /** The item kind of a write (pk prefix), for byItemKind. */
  readonly kind?: string;
  readonly read?: number;
  readonly write?: number;
  readonly index?: number;
}

const ZERO: MeteredUse = { requests: 0, readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };

/** Names and values the expression actually uses: DynamoDB refuses unused ones. */
function usedBy(expression: string, input: Input) {
  const names = input.ExpressionAttributeNames as Record<string, string> | undefined;
  const values = input.ExpressionAttributeValues as Record<string, AttributeValue> | undefined;
  const pick = <T>(map: Record<string, T> | undefined) => {
    if (map === undefined) return undefined;
    const kept = Object.entries(map).filter(([token]) =>
      new RegExp(`${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_])`).test(
        expression,
      ),
    );
    return kept.length > 0 ? Object.fromEntries(kept) : undefined;
  };
  return { ExpressionAttributeNames: pick(names), ExpressionAttributeValues: pick(values) };
}

export function createDynamoDbMeter(options: DynamoDbMeterOptions): DynamoDbMeter {
  const { probe } = options;
  const schemas = new Map(options.tables.map((def) => [def.TableName ?? '', tableSchema(def)]));
  let byOperation = new Map<string, MeteredUse>();
  let byItemKind = new Map<string, MeteredUse>();
  let calls = 0;

  const schemaOf = (table: unknown): TableSchema => {
    const schema = schemas.get(String(table));
    if (schema === undefined) {
      throw new DynamoDbMeterError(`no definition for table "${String(table)}": pass it in tables`);
    }
    return schema;
  };

  const keyOf = (schema: TableSchema, item: AttributeMap): AttributeMap =>
    Object.fromEntries(schema.keys.map((k) => [k, item[k] as AttributeValue]));

  async function current(table: string, key: AttributeMap): Promise<AttributeMap | null> {
    const out = await probe.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    return out.Item ?? null;
  }

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

  // Reads -------------------------------------------------------------------------------------

  async function getItem(input: Input, output: Output): Promise<Bill[]> {
    const table = String(input.TableName);
    const found = output?.Item as Record<string, unknown> | undefined;
    const whole =
      input.ProjectionExpression === undefined
        ? found && toAttributeMap(found)
        : await current(table, toAttributeMap(input.Key as Input));
    const mode = input.ConsistentRead === true ? ReadMode.strong : ReadMode.eventual;
    return [{ key: `GetItem ${table}`, read: readUnits(itemSize(whole), mode) }];
  }

  async function batchGet(input: Input, output: Output): Promise<Bill[]> {
    const bills: Bill[] = [];
    const requested = input.RequestItems as Record<string, Input>;
    const unprocessed = (output?.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
    const responses = (output?.Responses ?? {}) as Record<string, Record<string, unknown>[]>;
    for (const [table, request] of Object.entries(requested)) {
      const keys = (request.Keys as Input[]).map(toAttributeMap);
      const processed = keys.length - (unprocessed[table]?.Keys?.length ?? 0);
      const mode = request.ConsistentRead === true ? ReadMode.strong : ReadMode.eventual;
      let sizes: number[];
      if (request.ProjectionExpression === undefined) {
        const found = (responses[table] ?? []).map((item) => itemSize(toAttributeMap(item)));
        // A key that found nothing is priced as the smallest read.
        sizes = [...found, ...Array(Math.max(0, processed - found.length)).fill(0)];
      } else {
        const skipped = new Set((unprocessed[table]?.Keys ?? []).map((k) => JSON.stringify(k)));
        const todo = keys.filter((k) => !skipped.has(JSON.stringify(k)));
        sizes = await Promise.all(todo.map(async (k) => itemSize(await current(table, k))));
      }
      const read = sizes.reduce((n, size) => n + readUnits(size, mode), 0);
      bills.push({ key: `BatchGetItem ${table}`, read });
    }
    return bills;
  }

  /** Query or Scan: one page, priced on every item read before filter and projection. */
  async function page(api: 'Query' | 'Scan', input: Input, output: Output): Promise<Bill[]> {
    const table = String(input.TableName);
    const index = input.IndexName === undefined ? '' : `/${String(input.IndexName)}`;
    const narrowed =
      input.FilterExpression !== undefined ||
      input.ProjectionExpression !== undefined ||
      (input.Select !== undefined && input.Select !== 'ALL_ATTRIBUTES');
    let items = (output?.Items ?? []) as Record<string, unknown>[];
    if (narrowed) {
      const keyCondition = String(input.KeyConditionExpression ?? '');
      const again = {
        TableName: input.TableName as string,
        IndexName: input.IndexName as string | undefined,
        ExclusiveStartKey: input.ExclusiveStartKey as AttributeMap | undefined,
        Limit: input.Limit as number | undefined,
        ConsistentRead: input.ConsistentRead as boolean | undefined,
        ...(keyCondition === '' ? {} : usedBy(keyCondition, input)),
      };
      const out =
        api === 'Query'
          ? await probe.send(
              new QueryCommand({
                ...again,
                KeyConditionExpression: keyCondition,
                ScanIndexForward: input.ScanIndexForward as boolean | undefined,
              }),
            )
          : await probe.send(new ScanCommand(again));
      items = out.Items ?? [];
    }
    const bytes = items.reduce((n, item) => n + itemSize(toAttributeMap(item)), 0);
    // A GSI is always read eventually consistent.
    const strong = input.ConsistentRead === true && index === '';
    const read = readUnits(bytes, strong ? ReadMode.strong : ReadMode.eventual);
    return [{ key: `${api} ${table}${index}`, read }];
  }

  async function transactGet(input: Input): Promise<Bill[]> {
    const items = (input.TransactItems ?? []) as { Get: Input }[];
    return Promise.all(
      items.map(async ({ Get }) => {
        const table = String(Get.TableName);
        const whole = await current(table, toAttributeMap(Get.Key as Input));
        return {
          key: `TransactGetItems ${table}`,
          read: readUnits(itemSize(whole), ReadMode.transactional),
        };
      }),
    );
  }

  // Writes ------------------------------------------------------------------------------------

  type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
  interface Write {
    readonly kind: Kind;
    readonly table: string;
    readonly schema: TableSchema;
    readonly key: AttributeMap;
    readonly item?: AttributeMap;
    before?: AttributeMap | null;
  }

  /** "CART" for pk CART#c_1, "HEALTH" for HEALTH. */
  const itemKindOf = (w: Write) => {
    const pk = w.key[w.schema.keys[0] ?? ''];
    return (pk?.S ?? '?').split('#')[0] ?? '?';
  };

  function writeOf(kind: Kind, spec: Input): Write {
    const table = String(spec.TableName);
    const schema = schemaOf(table);
    const item = spec.Item === undefined ? undefined : toAttributeMap(spec.Item as Input);
    const key = item !== undefined ? keyOf(schema, item) : toAttributeMap(spec.Key as Input);
    return { kind, table, schema, key, ...(item === undefined ? {} : { item }) };
  }

  async function withBefore(writes: Write[]): Promise<Write[]> {
    await Promise.all(
      writes.map(async (w) => {
        w.before = await current(w.table, w.key);
      }),
    );
    return writes;
  }

  async function committed(api: string, w: Write, transactional: boolean): Promise<Bill> {
    const before = w.before ?? null;
    const key = `${api} ${w.table}`;
    const kind = itemKindOf(w);
    if (w.kind === 'ConditionCheck')
      return { key, kind: `${kind} check`, write: writeUnits(itemSize(before), true) };
    const after =
      w.kind === 'Put'
        ? (w.item ?? null)
        : w.kind === 'Delete'
          ? null
          : await current(w.table, w.key);
    const write = writeUnits(Math.max(itemSize(before), itemSize(after)), transactional);
    const index = w.schema.indexes.reduce(
      (n, gsi) => n + indexWrite(before, after, w.schema, gsi).units,
      0,
    );
    return { key, kind, write, index };
  }

  /** A failed conditional write (or a cancelled transaction's prepare): the current item's size. */
  const refused = (api: string, w: Write): Bill => ({
    key: `${api} ${w.table}`,
    kind: `${itemKindOf(w)} refused`,
    write: writeUnits(itemSize(w.before ?? null)),
  });

  function writesOf(api: string, input: Input): Write[] {
    switch (api) {
      case 'PutItem':
        return [writeOf('Put', input)];
      case 'UpdateItem':
        return [writeOf('Update', input)];
      case 'DeleteItem':
        return [writeOf('Delete', input)];
      case 'BatchWriteItem':
        return Object.entries(input.RequestItems as Record<string, Input[]>).flatMap(
          ([TableName, requests]) =>
            requests.map((r) => {
              const put = r.PutRequest as Input | undefined;
              const del = r.DeleteRequest as Input | undefined;
              return put !== undefined
                ? writeOf('Put', { ...put, TableName })
                : writeOf('Delete', { ...del, TableName });
            }),
        );
      case 'TransactWriteItems':
        return (input.TransactItems as Record<string, Input>[]).map((entry) => {
          const [kind, spec] = Object.entries(entry).find(([, v]) => v !== undefined) ?? [];
          return writeOf(kind as Kind, spec as Input);
        });
      default:
        return [];
    }
  }

  const READS: Record<string, (input: Input, output: Output) => Promise<Bill[]>> = {
    GetItem: getItem,
    BatchGetItem: batchGet,
    Query: (i, o) => page('Query', i, o),
    Scan: (i, o) => page('Scan', i, o),
    TransactGetItems: (i) => transactGet(i),
  };
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
