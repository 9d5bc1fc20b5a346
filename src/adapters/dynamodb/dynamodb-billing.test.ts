/**
 * The billing rules against examples worked by hand from the AWS Developer Guide ("DynamoDB item
 * sizes and formats", "DynamoDB read and write operations") and the on-demand pricing page,
 * never against this code's own output.
 */
import { describe, expect, it } from 'vitest';
import {
  batchGetUnits,
  indexWrite,
  isAttributeMap,
  itemSize,
  numberSize,
  ReadMode,
  readUnits,
  storageBytes,
  type TableSchema,
  tableSchema,
  toAttributeMap,
  writeUnits,
} from './dynamodb-billing.ts';

describe('item size', () => {
  it('counts attribute names and string values in UTF-8 bytes', () => {
    // "city" 4 + "café" 5 (é is 2 bytes) = 9; "ü" 2 + "x" 1 = 3.
    expect(itemSize({ city: { S: 'café' }, ü: { S: 'x' } })).toBe(12);
  });

  it('sizes numbers as one byte per two significant digits plus one', () => {
    expect(numberSize('123.45')).toBe(4); // 5 digits -> 3 + 1
    expect(numberSize('84.50')).toBe(3); // trailing zero trimmed: 845 -> 2 + 1
    expect(numberSize('0.00120')).toBe(2); // 12 -> 1 + 1
    expect(numberSize('-1000')).toBe(2); // 1 -> 1 + 1
    expect(numberSize('1764000000000')).toBe(3); // zeros trimmed: 1764 -> 2 + 1
    expect(numberSize('1764000000123')).toBe(8); // an epoch millisecond: 13 digits -> 7 + 1
  });

  it('sizes binary by raw bytes, booleans and nulls as one byte', () => {
    // "b" 1 + 10 raw bytes; "e" 1 + "AAEC" is base64 for 3 bytes; "t" 1 + 1; "n" 1 + 1.
    const item = {
      b: { B: new Uint8Array(10) },
      e: { B: 'AAEC' as unknown as Uint8Array },
      t: { BOOL: true },
      n: { NULL: true },
    };
    expect(itemSize(item)).toBe(11 + 4 + 2 + 2);
  });

  it('adds 3 bytes per list or map and 1 byte per element', () => {
    // "items" 5 + list [3 + (1 + map)]; map = 3 + (1 + "sku" 3 + "CANDLE" 6) = 13.
    // list = 3 + 1 + 13 = 17; item = 5 + 17 = 22.
    expect(itemSize({ items: { L: [{ M: { sku: { S: 'CANDLE' } } }] } })).toBe(22);
    // An empty map: name + 3.
    expect(itemSize({ m: { M: {} } })).toBe(4);
  });

  it('matches a worked example of a whole item', () => {
    // itemType+SLOT 12, id+abc1231 9, hostName+"Harry Mason" 19, timeSlot+"February 23, 1999" 25,
    // slotStatus+OPEN 14, createdAt+"February 1, 1999" 25, updatedAt+same 25, expiresAt+2099 9+3.
    const item = {
      itemType: { S: 'SLOT' },
      id: { S: 'abc1231' },
      hostName: { S: 'Harry Mason' },
      timeSlot: { S: 'February 23, 1999' },
      slotStatus: { S: 'OPEN' },
      createdAt: { S: 'February 1, 1999' },
      updatedAt: { S: 'February 1, 1999' },
      expiresAt: { N: '2099' },
    };
    expect(itemSize(item)).toBe(141);
  });

  it('sizes a document-client item the same as its wire form', () => {
    const doc = { pk: 'CART#c_1', total: 84.5, tags: ['a'], ok: true };
    expect(isAttributeMap(doc)).toBe(false);
    const wire = toAttributeMap(doc);
    expect(isAttributeMap(wire)).toBe(true);
    // pk 2 + 8; total 5 + (845 -> 3); tags 4 + (3 + 1 + 1); ok 2 + 1.
    expect(itemSize(wire)).toBe(10 + 8 + 9 + 3);
  });
});

describe('request units', () => {
  it('prices reads in 4 KB blocks: strong 1, eventual 0.5, transactional 2', () => {
    // The guide: a 3,500-byte item costs what a 4 KB one does.
    expect(readUnits(3500, ReadMode.strong)).toBe(1);
    expect(readUnits(3500, ReadMode.eventual)).toBe(0.5);
    // The pricing page: an 8 KB item is 2 strong, 1 eventual, 4 transactional.
    expect(readUnits(8192, ReadMode.strong)).toBe(2);
    expect(readUnits(8192, ReadMode.eventual)).toBe(1);
    expect(readUnits(8192, ReadMode.transactional)).toBe(4);
    // The guide: a 10 KB item is rounded to 12 KB.
    expect(readUnits(10 * 1024, ReadMode.strong)).toBe(3);
    // Reading nothing still costs one block.
    expect(readUnits(0, ReadMode.strong)).toBe(1);
  });

  it('prices BatchGetItem per item: 1.5 KB and 6.5 KB are 4 KB + 8 KB', () => {
    expect(batchGetUnits([1536, 6656], ReadMode.strong)).toBe(3);
  });

  it('prices a Query page on its summed size: 40.8 KB is rounded to 44 KB', () => {
    expect(readUnits(41_780, ReadMode.strong)).toBe(11);
    expect(readUnits(41_780, ReadMode.eventual)).toBe(5.5);
  });

  it('prices writes in 1 KB blocks per item, doubled in a transaction', () => {
    expect(writeUnits(1536)).toBe(2);
    expect(writeUnits(1536, true)).toBe(4);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    // BatchWriteItem, the guide's example: 500 bytes and 3.5 KB are 1 + 4, not 4.
    expect(writeUnits(500) + writeUnits(3584)).toBe(5);
  });
});

const table: TableSchema = tableSchema({
  TableName: 't',
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byEmail',
      KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
    {
      IndexName: 'keysOnly',
      KeySchema: [{ AttributeName: 'gsi2pk', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'KEYS_ONLY' },
    },
  ],
});
const [byEmail, keysOnly] = table.indexes as [TableSchema['indexes'][0], TableSchema['indexes'][0]];
const big = 'x'.repeat(1500);

describe('index writes', () => {
  const base = { pk: { S: 'a' }, sk: { S: 'b' }, gsi1pk: { S: 'E#1' }, body: { S: big } };

  it('writes a new entry once, at the projected size', () => {
    // pk 3 + sk 3 + gsi1pk 9 + body 4 + 1500 = 1519 bytes -> 2 units.
    expect(indexWrite(null, base, table, byEmail)).toEqual({ writes: 1, units: 2 });
    // Not in the sparse index (no gsi2pk): nothing.
    expect(indexWrite(null, base, table, keysOnly)).toEqual({ writes: 0, units: 0 });
  });

  it('deletes and puts when the index key changes', () => {
    const moved = { ...base, gsi1pk: { S: 'E#2' } };
    expect(indexWrite(base, moved, table, byEmail)).toEqual({ writes: 2, units: 4 });
  });

  it('writes once when a projected attribute changes, nothing when the index holds no change', () => {
    const edited = { ...base, body: { S: `${big}!` } };
    expect(indexWrite(base, edited, table, byEmail)).toEqual({ writes: 1, units: 2 });
    const keyed = { ...base, gsi2pk: { S: 'D#1' } };
    const keyedEdited = { ...keyed, body: { S: 'short' } };
    // KEYS_ONLY holds pk, sk, gsi2pk: body is not there.
    expect(indexWrite(keyed, keyedEdited, table, keysOnly)).toEqual({ writes: 0, units: 0 });
  });

  it('removes the entry once when the item is deleted', () => {
    expect(indexWrite(base, null, table, byEmail)).toEqual({ writes: 1, units: 2 });
  });

  it('bills storage for the table copy and each index copy, 100 bytes overhead each', () => {
    const small = { pk: { S: 'a' }, sk: { S: 'b' }, gsi2pk: { S: 'D' }, body: { S: 'hello' } };
    // table: 3 + 3 + 7 + 9 = 22 + 100; keysOnly: 3 + 3 + 7 = 13 + 100; not in byEmail.
    expect(storageBytes(small, table)).toBe(122 + 113);
  });
});
