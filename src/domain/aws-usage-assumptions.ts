/**
 * AWS usage per unit of work, MEASURED by bench/aws-month.ts (`npm run bench -- aws-month --write-assumptions`):
 * 200 carts through the real Lambda handlers on DynamoDB Local over 20000 pre-filled audit rows,
 * every DynamoDB request priced by AWS's billing rules (src/adapters/dynamodb/dynamodb-meter.ts). Generated; do not edit
 * by hand, run the bench again. Lambda duration is not measurable on DynamoDB Local and stays a stated guess in cost.ts.
 */
export const MEASURED_AWS_USAGE = {
  measuredOn: '2026-12-02',
  bench: 'bench/aws-month.ts',
  machine: '2 x AMD EPYC, 24 GiB RAM, linux 6.18.44-fc-v1045, Node v20.20.2',
  carts: 200,
  auditRows: 20000,
  eventsPerCart: 2.64,
  wruPerEvent: 5.61,
  rruPerEvent: 2.76,
  wruPerWakeUp: 6.24,
  rruPerWakeUp: 4.94,
  wakeUpsPerAbandonedCart: 4.59,
  cartBytesPerCart: 1320,
  tombstoneBytesPerCart: 890,
  auditBytesPerCart: 6477,
  eventMarkerBytesPerCart: 544,
  logBytesPerInvocation: 334,
  lambdaMemoryMb: 511,
  /** The bench's simulated store (not any real store's): cost.ts keeps its own guesses for these. */
  shareAbandoned: 1,
  shareWithEmail: 0.71,
  steps: 2.655,
} as const;
