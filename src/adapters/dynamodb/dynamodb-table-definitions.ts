/**
 * The three DynamoDB tables' definitions, as the CDK stack creates them: names of keys, indexes
 * and their projections must match infra/. The encodings of what goes in them: dynamodb-tables.ts.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const Index = { byEmail: 'byEmail', byDay: 'byDay', byMonth: 'byMonth' } as const;

const S = 'S' as const;
type Projection =
  | { readonly ProjectionType: 'ALL' }
  | { readonly ProjectionType: 'KEYS_ONLY' }
  | { readonly ProjectionType: 'INCLUDE'; readonly NonKeyAttributes: string[] };
const gsi = (name: string, pk: string, sk: string, Projection: Projection) => ({
  IndexName: name,
  KeySchema: [
    { AttributeName: pk, KeyType: 'HASH' as const },
    { AttributeName: sk, KeyType: 'RANGE' as const },
  ],
  Projection,
});

/**
 * What each index holds, and why so little: an index copy is billed on every write that changes
 * it and stored again, so each keeps only what its queries read before fetching whole rows by
 * key (BatchGetItem). infra/resources.ts declares the same.
 */
export const Projections = {
  /** Open carts of an address: the ids, then the rows (strongly consistent). */
  stateByEmail: { ProjectionType: 'KEYS_ONLY' },
  /** Carts of a day: ids and activity times, sorted and cut to the window before the rows are read. */
  stateByDay: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['lastActivityAt'] },
  /** Sends to an address (the frequency cap), the times of one action in a month (sender health). */
  auditByEmail: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['action', 'at'] },
  auditByMonth: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['action', 'at'] },
  /** The unsubscribe list's day index keeps whole rows: a block is small and read whole. */
  unsubscribeByDay: { ProjectionType: 'ALL' },
} as const satisfies Record<string, Projection>;

const copy = (p: Projection): Projection =>
  p.ProjectionType === 'INCLUDE' ? { ...p, NonKeyAttributes: [...p.NonKeyAttributes] } : p;

/**
 * The state table's indexes have a partition key only: an open cart is found by its address, a
 * cart by its activity day, and the row's own key (projected into every index) names it. No sort
 * key attribute to store on every row, nor to move.
 */
const hashOnly = (name: string, pk: string, Projection: Projection) => ({
  IndexName: name,
  KeySchema: [{ AttributeName: pk, KeyType: 'HASH' as const }],
  Projection,
});

const keysAndAttributes = (names: readonly string[]) => ({
  AttributeDefinitions: names.map((AttributeName) => ({ AttributeName, AttributeType: S })),
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' as const },
    { AttributeName: 'sk', KeyType: 'RANGE' as const },
  ],
});

export function stateTableDefinition(TableName: string): CreateTableCommandInput {
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    ...keysAndAttributes(['pk', 'sk', 'gsi1pk', 'gsi2pk']),
    GlobalSecondaryIndexes: [
      hashOnly(Index.byEmail, 'gsi1pk', copy(Projections.stateByEmail)),
      hashOnly(Index.byDay, 'gsi2pk', copy(Projections.stateByDay)),
    ],
  };
}

export function auditTableDefinition(TableName: string): CreateTableCommandInput {
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    ...keysAndAttributes(['pk', 'sk', 'gsi1pk', 'gsi2pk']),
    // Sorted by the row's own sort key (time, then a unique suffix): no copy of it on every row.
    GlobalSecondaryIndexes: [
      gsi(Index.byEmail, 'gsi1pk', 'sk', copy(Projections.auditByEmail)),
      gsi(Index.byMonth, 'gsi2pk', 'sk', copy(Projections.auditByMonth)),
    ],
  };
}

export function unsubscribeTableDefinition(TableName: string): CreateTableCommandInput {
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'gsi2pk', 'gsi2sk'].map((AttributeName) => ({
      AttributeName,
      AttributeType: S,
    })),
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    GlobalSecondaryIndexes: [
      gsi(Index.byDay, 'gsi2pk', 'gsi2sk', copy(Projections.unsubscribeByDay)),
    ],
  };
}
