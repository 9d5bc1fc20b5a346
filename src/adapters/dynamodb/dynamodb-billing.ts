/**
 * DynamoDB's documented billing rules as pure functions: how big an item is, and how many read
 * and write request units (on-demand) a request of a given size costs. The meter
 * (dynamodb-meter.ts) applies them to every request it sees; this file knows no SDK calls.
 *
 * Sources (AWS Developer Guide): "DynamoDB item sizes and formats" (CapacityUnitCalculations),
 * "DynamoDB read and write operations" (read-write-operations), "Amazon DynamoDB Transactions:
 * How it works" (capacity management), "Global secondary indexes" (provisioned throughput and
 * storage considerations), and the on-demand pricing page. Where a rule is not documented the
 * function says so and what it assumes instead.
 */
import type { AttributeValue, CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export type AttributeMap = Record<string, AttributeValue>;

const READ_BLOCK = 4096;
const WRITE_BLOCK = 1024;
/** Every item carries 100 bytes of indexing overhead for storage billing (table and each GSI). */
export const STORAGE_OVERHEAD_BYTES = 100;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * "(1 byte per two significant digits) + (1 byte)", leading and trailing zeros trimmed. AWS calls
 * this approximate; the real encoding packs digit pairs around the decimal point, so a number can
 * be a byte off. An exponent ("1E+3") counts only its mantissa's digits.
 */
export function numberSize(text: string): number {
  const mantissa = text.trim().replace(/^[-+]/, '').split(/[eE]/)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(digits.length / 2) + 1;
}

function binarySize(value: Uint8Array | string): number {
  // A base64 string on the wire: the raw byte length is what counts.
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : value.byteLength;
}

/** Size of a value without its attribute name. */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binarySize(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  // Sets: the guide gives no per-element overhead; we count the elements only (approximation).
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + utf8(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + numberSize(s), 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + binarySize(b), 0);
  // Lists and maps: 3 bytes, plus 1 byte per element; a map element also carries its name.
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + valueSize(v), 0);
  if (value.M !== undefined) {
    return 3 + Object.entries(value.M).reduce((n, [k, v]) => n + 1 + utf8(k) + valueSize(v), 0);
  }
  return 0;
}

/** The item size DynamoDB bills: the sum of each attribute's name (UTF-8 bytes) and value. */
export function itemSize(item: AttributeMap | null | undefined): number {
  if (item === null || item === undefined) return 0;
  return Object.entries(item).reduce((n, [name, v]) => n + utf8(name) + valueSize(v), 0);
}

export const ReadMode = { strong: 1, eventual: 0.5, transactional: 2 } as const;
export type ReadMode = (typeof ReadMode)[keyof typeof ReadMode];

/**
 * Read request units for `bytes` read in one go (one item for GetItem, the sum of a page for
 * Query): 4 KB blocks rounded up, at least one block, since a read that finds nothing still costs.
 */
export function readUnits(bytes: number, mode: ReadMode): number {
  return Math.max(1, Math.ceil(bytes / READ_BLOCK)) * mode;
}

/** Write request units for one item of `bytes`: 1 KB blocks rounded up, doubled in a transaction. */
export function writeUnits(bytes: number, transactional = false): number {
  return Math.max(1, Math.ceil(bytes / WRITE_BLOCK)) * (transactional ? 2 : 1);
}

/** BatchGetItem prices each item as its own GetItem (4 KB each), not the batch's sum. */
export function batchGetUnits(sizes: readonly number[], mode: ReadMode): number {
  return sizes.reduce((n, size) => n + readUnits(size, mode), 0);
}

export type Projection = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';

export interface IndexSchema {
  readonly name: string;
  readonly keys: readonly string[];
  readonly projection: Projection;
  readonly include: readonly string[];
}

export interface TableSchema {
  readonly name: string;
  readonly keys: readonly string[];
  readonly indexes: readonly IndexSchema[];
}

/** Keys and global secondary indexes of a table, from its CreateTable definition. */
export function tableSchema(def: CreateTableCommandInput): TableSchema {
  const keys = (def.KeySchema ?? []).map((k) => k.AttributeName ?? '');
  const indexes = (def.GlobalSecondaryIndexes ?? []).map((gsi) => ({
    name: gsi.IndexName ?? '',
    keys: (gsi.KeySchema ?? []).map((k) => k.AttributeName ?? ''),
    projection: (gsi.Projection?.ProjectionType ?? 'ALL') as Projection,
    include: gsi.Projection?.NonKeyAttributes ?? [],
  }));
  return { name: def.TableName ?? '', keys, indexes };
}

/** The item as the index holds it, or null when the item lacks an index key (a sparse index). */
export function projectedItem(
  item: AttributeMap | null,
  table: TableSchema,
  index: IndexSchema,
): AttributeMap | null {
  if (item === null || index.keys.some((k) => item[k] === undefined)) return null;
  if (index.projection === 'ALL') return item;
  const kept = new Set([...table.keys, ...index.keys, ...index.include]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => kept.has(name)));
}

const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface IndexWrite {
  readonly writes: number;
  readonly units: number;
}

/**
 * What one table write costs in one GSI, from the item before and after (the guide's four cases):
 * a new index entry is one write of the projected item; a removed entry one write (the delete)
 * of the old; a changed index key two (delete the old entry, put the new); a changed projected
 * attribute under the same key one write, priced here on the larger of the two (the guide does
 * not say which). A write that changes nothing the index holds writes nothing there. Index
 * writes are never doubled by a transaction: they propagate after it commits.
 */
export function indexWrite(
  before: AttributeMap | null,
  after: AttributeMap | null,
  table: TableSchema,
  index: IndexSchema,
): IndexWrite {
  const old = projectedItem(before, table, index);
  const fresh = projectedItem(after, table, index);
  if (old === null && fresh === null) return { writes: 0, units: 0 };
  if (old === null || fresh === null) {
    return { writes: 1, units: writeUnits(itemSize(old ?? fresh)) };
  }
  const keyOf = (item: AttributeMap) => index.keys.map((k) => item[k]);
  if (!same(keyOf(old), keyOf(fresh))) {
    return { writes: 2, units: writeUnits(itemSize(old)) + writeUnits(itemSize(fresh)) };
  }
  if (same(old, fresh)) return { writes: 0, units: 0 };
  return { writes: 1, units: writeUnits(Math.max(itemSize(old), itemSize(fresh))) };
}

/** Bytes a stored item is billed for: the table copy and each index copy, 100 bytes overhead each. */
export function storageBytes(item: AttributeMap, table: TableSchema): number {
  let bytes = itemSize(item) + STORAGE_OVERHEAD_BYTES;
  for (const index of table.indexes) {
    const copy = projectedItem(item, table, index);
    if (copy !== null) bytes += itemSize(copy) + STORAGE_OVERHEAD_BYTES;
  }
  return bytes;
}

const TAGS = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/**
 * True when `item` is in the wire format ({"pk": {"S": "..."}}), false for a document-client item
 * ({"pk": "..."}): a key attribute is a plain string, number or binary in the document form.
 */
export function isAttributeMap(item: Record<string, unknown>): item is AttributeMap {
  return Object.values(item).every((v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
      return false;
    }
    const keys = Object.keys(v);
    return keys.length === 1 && TAGS.has(keys[0] ?? '');
  });
}

/** A document-client value in the wire format, for sizing only (no validation). */
export function toAttributeValue(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number' || typeof value === 'bigint') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null || value === undefined) return { NULL: true };
  if (value instanceof Uint8Array) return { B: value };
  if (Array.isArray(value)) return { L: value.map(toAttributeValue) };
  if (value instanceof Set) {
    const all = [...value];
    if (all.every((v) => typeof v === 'string')) return { SS: all as string[] };
    if (all.every((v) => v instanceof Uint8Array)) return { BS: all as Uint8Array[] };
    return { NS: all.map(String) };
  }
  // lib-dynamodb's NumberValue keeps the exact digits in `value`.
  const object = value as Record<string, unknown>;
  if (typeof object.value === 'string' && Object.keys(object).length === 1) {
    return { N: object.value };
  }
  return { M: toAttributeMap(object) };
}

/** Either form in, the wire format out. */
export function toAttributeMap(item: Record<string, unknown>): AttributeMap {
  if (isAttributeMap(item)) return item;
  return Object.fromEntries(
    Object.entries(item)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, toAttributeValue(v)]),
  );
}
