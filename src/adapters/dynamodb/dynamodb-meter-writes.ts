/**
 * The DynamoDB meter's pricing of writes: the larger of the item before and after, each GSI on
 * what it held and holds, a refused condition or a cancelled transaction at the current size.
 */
import {
  type AttributeMap,
  indexWrite,
  itemSize,
  type TableSchema,
  toAttributeMap,
  writeUnits,
} from './dynamodb-billing.ts';
import type { Bill, Input, Probe } from './dynamodb-meter-probe.ts';

export function meterWrites({ schemaOf, keyOf, current }: Probe) {
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

  return { writesOf, withBefore, committed, refused };
}
