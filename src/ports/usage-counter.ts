/**
 * What the AWS adapters report consuming, so a benchmark can say "DynamoDB write/read units and
 * Scheduler calls per cart event and per reminder" from measurements, not guesses. A port, so the
 * DynamoDB, Scheduler and SES adapters can all report to one counter without importing each
 * other (the counter itself is adapters/usage/usage-counter.ts).
 */

/** The capacity figures DynamoDB returns with ReturnConsumedCapacity (the SDK's ConsumedCapacity fits). */
export interface ReportedCapacity {
  readonly CapacityUnits?: number | undefined;
  readonly ReadCapacityUnits?: number | undefined;
  readonly WriteCapacityUnits?: number | undefined;
  readonly TableName?: string | undefined;
}

export interface DynamoDbUsage {
  readonly calls: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

export interface UsageSnapshot {
  /** By adapter operation (e.g. "cart.save", "cart.get"). */
  readonly dynamodb: Readonly<Record<string, DynamoDbUsage>>;
  /** By API call (e.g. "CreateSchedule"), failed calls included: they count against quotas too. */
  readonly scheduler: Readonly<Record<string, number>>;
  readonly ses: Readonly<Record<string, number>>;
  readonly totals: {
    readonly readUnits: number;
    readonly writeUnits: number;
    readonly schedulerCalls: number;
    readonly sesCalls: number;
  };
}

export type CapacityKind = 'read' | 'write';
export type CallService = 'scheduler' | 'ses';

export interface UsageCounter {
  /** `kind` says how to book a bare CapacityUnits figure (DynamoDB omits the read/write split for single-item calls). */
  recordDynamoDb(
    operation: string,
    kind: CapacityKind,
    consumed: ReportedCapacity | readonly ReportedCapacity[] | undefined,
  ): void;
  recordCall(service: CallService, operation: string): void;
  snapshot(): UsageSnapshot;
  reset(): void;
}
