/**
 * The key and audit-row encoding shared by the DynamoDB adapters (the tables themselves are
 * defined in dynamodb-table-definitions.ts, re-exported here).
 *
 * Sort keys start with a zero-padded epoch-millisecond time so that string order is time order.
 */
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, StoredAuditEntry } from '../../domain/audit.ts';
import { type TallyUpdate, tallyUpdates } from '../../domain/health-tally.ts';

export {
  auditTableDefinition,
  Index,
  Projections,
  stateTableDefinition,
  unsubscribeTableDefinition,
} from './dynamodb-table-definitions.ts';

/**
 * Day and month index partitions are split this many ways by a hash of the row's key, so a
 * busy month (or the 08:00 release of held reminders) does not land on one index partition.
 * Readers query every shard and merge.
 */
export const INDEX_SHARDS = 4;

/** The shard of a row: FNV-1a of its partition key, stable across processes and releases. */
export function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % INDEX_SHARDS;
}

export const shards = (): number[] => Array.from({ length: INDEX_SHARDS }, (_, i) => i);

/** TTL attribute (epoch seconds) on the state table (seen events) and the audit table. */
export const TTL_ATTRIBUTE = 'expiresAt';

export type AnyDynamoDbClient = DynamoDBClient | DynamoDBDocumentClient;

export function toDocumentClient(client: AnyDynamoDbClient): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export const DAY_MS = 86_400_000;

/** 15 digits covers every epoch millisecond until the year 33658. */
export function padTime(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not an epoch-ms time: ${ms}`);
  return String(ms).padStart(15, '0');
}

export const dayKey = (ms: number) => `DAY#${new Date(ms).toISOString().slice(0, 10)}`;
export const monthKey = (ms: number) => `MONTH#${new Date(ms).toISOString().slice(0, 7)}`;
/** The sharded index partitions of a day or a month (see INDEX_SHARDS). */
export const shardedKey = (key: string, shard: number) => `${key}#${shard}`;

/** Start of each UTC day overlapping [from, to). */
export function* daysIn(from: number, to: number): Generator<number> {
  if (to - from > 3660 * DAY_MS)
    throw new RangeError('range longer than ten years: query by smaller windows');
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) yield day;
}

/** Start of each UTC month overlapping [from, to). */
export function* monthsIn(from: number, to: number): Generator<number> {
  const start = new Date(from);
  let month = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1);
  while (month < to) {
    yield month;
    const d = new Date(month);
    month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
}

let lastTick = 0;
let counter = 0;
/**
 * Unique, roughly write-ordered suffix for audit sort keys: rows with the same `at` keep the order
 * they were written in (within a process exactly, across processes by wall clock), and two
 * Lambdas writing at once cannot collide (random tail).
 */
export function auditSuffix(): string {
  const now = Math.max(Date.now(), lastTick);
  if (now !== lastTick) counter = 0;
  lastTick = now;
  counter++;
  return `${now.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${randomBytes(3).toString('hex')}`;
}

export type Item = Record<string, unknown>;

/**
 * A row's JSON as stored: Brotli-compressed binary. DynamoDB bills writes per KB and stores
 * every byte again in each index that projects it; a cart with three items and store-length
 * links is 2-3 KB of JSON (an audit row with its before and after, twice that) and about a
 * quarter of it compressed. Exact and lossless, so every read gets the same object back.
 */
export function packJson(value: unknown): Uint8Array {
  return brotliCompressSync(Buffer.from(JSON.stringify(value), 'utf8'), {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT },
  });
}

/** The JSON a row holds: compressed binary, or the plain string rows written before it. */
export function unpackJson(data: unknown): unknown {
  if (typeof data === 'string') return JSON.parse(data);
  if (data instanceof Uint8Array) return JSON.parse(brotliDecompressSync(data).toString('utf8'));
  throw new TypeError(`row data is neither JSON text nor compressed JSON: ${typeof data}`);
}

/** The audit row as stored: keys for the three access paths, the entry itself as compact JSON. */
export function auditItem(entry: AuditEntry, retentionDays: number | null): Item {
  const sk = `${padTime(entry.at)}#${auditSuffix()}`;
  const pk =
    entry.cartId !== null
      ? `CART#${entry.cartId}`
      : entry.email !== null
        ? `EMAIL#${entry.email}`
        : 'NONE';
  const item: Item = {
    pk,
    sk,
    action: entry.action,
    at: entry.at,
    // One string keeps before/after snapshots compact (no per-attribute type tags) and exact;
    // compressed, the second cart costs a few bytes (it is nearly the first).
    data: packJson(entry),
    gsi2pk: shardedKey(monthKey(entry.at), shardOf(pk)),
  };
  if (entry.email !== null) {
    // Sorted by sk, time then suffix: rows about an address come back in write order.
    item.gsi1pk = `EMAIL#${entry.email}`;
  }
  if (retentionDays !== null)
    item[TTL_ATTRIBUTE] = Math.floor(entry.at / 1000) + retentionDays * 86_400;
  return item;
}

export function fromAuditItem(item: Item): StoredAuditEntry {
  const entry = unpackJson(item.data) as AuditEntry;
  return { ...entry, id: String(item.sk) };
}

/** The reason code of each item of a cancelled transaction, in request order; null for other errors. */
export function cancellationCodes(error: unknown): Array<string | undefined> | null {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return null;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
  return (reasons ?? []).map((r) => r.Code);
}

/**
 * A conditional check lost, or another transaction held the item (TransactionConflict): either
 * way a concurrent writer got there first, and the caller must reload and decide again.
 */
export const lostRace = (code: string | undefined) =>
  code === 'ConditionalCheckFailed' || code === 'TransactionConflict';

export const errorName = (error: unknown) => (error instanceof Error ? error.name : typeof error);

/** TransactWriteItems takes at most 100 items per call. */
export const MAX_TRANSACT_ITEMS = 100;

export interface QueryHooks {
  /** Called once per page with what the page consumed (ReturnConsumedCapacity: 'TOTAL'). */
  readonly page: (consumed: QueryCommandOutput['ConsumedCapacity']) => void;
  /** Turns an SDK fault into the adapter's own error. */
  readonly fail: (error: unknown) => never;
}

/** Every item of a query, page after page (each page is at most 1 MB). */
export async function* queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  hooks: QueryHooks,
): AsyncGenerator<Item> {
  let ExclusiveStartKey: Item | undefined;
  do {
    let out: QueryCommandOutput;
    try {
      out = await doc.send(
        new QueryCommand({ ...input, ExclusiveStartKey, ReturnConsumedCapacity: 'TOTAL' }),
      );
    } catch (error) {
      hooks.fail(error);
    }
    hooks.page(out.ConsumedCapacity);
    yield* (out.Items ?? []) as Item[];
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey !== undefined);
}

/** Sender health's day tallies live in the audit table under this partition (one item a day). */
export const TALLY_PK = 'HEALTH';
export const tallyKey = (day: string) => ({ pk: TALLY_PK, sk: `DAY#${day}` });
/** Tallies outlive the 30-day window they feed by a month, then expire. */
const TALLY_TTL_DAYS = 62;

/**
 * The updates that fold audit entries into their days' tallies: one Update per day (a
 * transaction may touch an item only once), counts with ADD, marks with SET. No condition, so a
 * tally never makes the change it rides with fail.
 */
export function tallyWrites(entries: readonly AuditEntry[], auditTable: string) {
  const byDay = new Map<string, TallyUpdate[]>();
  for (const update of entries.flatMap(tallyUpdates)) {
    byDay.set(update.day, [...(byDay.get(update.day) ?? []), update]);
  }
  return [...byDay].map(([day, updates]) => {
    const names: Record<string, string> = { '#ttl': TTL_ATTRIBUTE };
    const values: Record<string, number> = {
      ':ttl': Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + TALLY_TTL_DAYS * 86_400,
    };
    const adds = new Map<string, number>();
    const sets = new Map<string, number>();
    for (const u of updates) {
      if (u.op === 'add') adds.set(u.field, (adds.get(u.field) ?? 0) + u.value);
      else sets.set(u.field, Math.max(sets.get(u.field) ?? 0, u.value));
    }
    const clause = (
      fields: Map<string, number>,
      prefix: string,
      join: (n: string, v: string) => string,
    ) =>
      [...fields].map(([field, value], i) => {
        names[`#${prefix}${i}`] = field;
        values[`:${prefix}${i}`] = value;
        return join(`#${prefix}${i}`, `:${prefix}${i}`);
      });
    const addParts = clause(adds, 'a', (n, v) => `${n} ${v}`);
    const setParts = ['#ttl = :ttl', ...clause(sets, 's', (n, v) => `${n} = ${v}`)];
    const expression = `SET ${setParts.join(', ')}${addParts.length > 0 ? ` ADD ${addParts.join(', ')}` : ''}`;
    return {
      Update: {
        TableName: auditTable,
        Key: tallyKey(day),
        UpdateExpression: expression,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  });
}
