/**
 * Counts what the AWS adapters consume, so a benchmark can say "DynamoDB write/read units and
 * Scheduler calls per cart event and per reminder" from measurements, not guesses. DynamoDB
 * reports capacity when asked (ReturnConsumedCapacity: 'TOTAL'); Scheduler and SES are billed or
 * throttled per call, so those are counted as calls.
 */
import type {
  CapacityKind,
  DynamoDbUsage,
  ReportedCapacity,
  UsageCounter,
  UsageSnapshot,
} from '../../ports/usage-counter.ts';

export type { CapacityKind, UsageCounter, UsageSnapshot } from '../../ports/usage-counter.ts';

function unitsOf(kind: CapacityKind, consumed: ReportedCapacity): { read: number; write: number } {
  const read = consumed.ReadCapacityUnits;
  const write = consumed.WriteCapacityUnits;
  if (read !== undefined || write !== undefined) return { read: read ?? 0, write: write ?? 0 };
  const units = consumed.CapacityUnits ?? 0;
  return kind === 'read' ? { read: units, write: 0 } : { read: 0, write: units };
}

export function createUsageCounter(): UsageCounter {
  let dynamodb = new Map<string, DynamoDbUsage>();
  let calls = { scheduler: new Map<string, number>(), ses: new Map<string, number>() };

  const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

  return {
    recordDynamoDb(operation, kind, consumed) {
      const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
      const prev = dynamodb.get(operation) ?? { calls: 0, readUnits: 0, writeUnits: 0 };
      let { readUnits, writeUnits } = prev;
      for (const item of list as readonly ReportedCapacity[]) {
        const units = unitsOf(kind, item);
        readUnits += units.read;
        writeUnits += units.write;
      }
      dynamodb.set(operation, { calls: prev.calls + 1, readUnits, writeUnits });
    },
    recordCall(service, operation) {
      const map = calls[service];
      map.set(operation, (map.get(operation) ?? 0) + 1);
    },
    snapshot() {
      const perOp = Object.fromEntries(dynamodb);
      return {
        dynamodb: perOp,
        scheduler: Object.fromEntries(calls.scheduler),
        ses: Object.fromEntries(calls.ses),
        totals: {
          readUnits: sum([...dynamodb.values()].map((u) => u.readUnits)),
          writeUnits: sum([...dynamodb.values()].map((u) => u.writeUnits)),
          schedulerCalls: sum(calls.scheduler.values()),
          sesCalls: sum(calls.ses.values()),
        },
      };
    },
    reset() {
      dynamodb = new Map();
      calls = { scheduler: new Map(), ses: new Map() };
    },
  };
}

/** Totals divided by a count of something (cart events, reminders sent): the per-unit cost inputs. */
export function usagePer(snapshot: UsageSnapshot, count: number): UsageSnapshot['totals'] {
  if (!(count > 0)) throw new RangeError(`usagePer needs a positive count, got ${count}`);
  const t = snapshot.totals;
  return {
    readUnits: t.readUnits / count,
    writeUnits: t.writeUnits / count,
    schedulerCalls: t.schedulerCalls / count,
    sesCalls: t.sesCalls / count,
  };
}
