/**
 * What the DynamoDB meter's pricing of reads and writes shares: the request shapes, the bill of
 * one request, and the probe (an unmetered client) that reads what a request does not carry.
 */
import {
  type AttributeValue,
  type CreateTableCommandInput,
  type DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { type AttributeMap, type TableSchema, tableSchema } from './dynamodb-billing.ts';

export class DynamoDbMeterError extends Error {
  override readonly name = 'DynamoDbMeterError';
}

export type Input = Record<string, unknown>;
export type Output = Record<string, unknown> | undefined;
export interface Bill {
  readonly key: string;
  /** The item kind of a write (pk prefix), for byItemKind. */
  readonly kind?: string;
  readonly read?: number;
  readonly write?: number;
  readonly index?: number;
}

/** Names and values the expression actually uses: DynamoDB refuses unused ones. */
export function usedBy(expression: string, input: Input) {
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

export type Probe = ReturnType<typeof createProbe>;

export function createProbe(probe: DynamoDBClient, tables: readonly CreateTableCommandInput[]) {
  const schemas = new Map(tables.map((def) => [def.TableName ?? '', tableSchema(def)]));
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

  return { probe, schemaOf, keyOf, current };
}
