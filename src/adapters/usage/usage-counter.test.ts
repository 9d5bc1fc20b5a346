import { describe, expect, it } from 'vitest';
import { createUsageCounter, usagePer } from './usage-counter.ts';

describe('usage counter', () => {
  it('sums read and write units per operation, using the split DynamoDB gives when it gives one', () => {
    const usage = createUsageCounter();
    usage.recordDynamoDb('cart.save', 'write', [
      { TableName: 'cr-state', CapacityUnits: 2, WriteCapacityUnits: 2 },
      { TableName: 'cr-audit', CapacityUnits: 4, WriteCapacityUnits: 4 },
    ]);
    usage.recordDynamoDb('cart.save', 'write', { TableName: 'cr-state', CapacityUnits: 2 });
    usage.recordDynamoDb('cart.get', 'read', { TableName: 'cr-state', CapacityUnits: 1 });
    usage.recordDynamoDb('cart.get', 'read', { TableName: 'cr-state', CapacityUnits: 0.5 });
    // A cancelled transaction reports no capacity, but the call still happened.
    usage.recordDynamoDb('cart.save', 'write', undefined);
    const snap = usage.snapshot();
    expect(snap.dynamodb).toEqual({
      'cart.save': { calls: 3, readUnits: 0, writeUnits: 8 },
      'cart.get': { calls: 2, readUnits: 1.5, writeUnits: 0 },
    });
    expect(snap.totals).toMatchObject({ readUnits: 1.5, writeUnits: 8 });
  });

  it('counts Scheduler and SES calls by API, and divides totals per unit of work', () => {
    const usage = createUsageCounter();
    usage.recordCall('scheduler', 'CreateSchedule');
    usage.recordCall('scheduler', 'CreateSchedule');
    usage.recordCall('scheduler', 'UpdateSchedule');
    usage.recordCall('ses', 'SendEmail');
    usage.recordDynamoDb('event.record', 'write', { CapacityUnits: 6 });
    const snap = usage.snapshot();
    expect(snap.scheduler).toEqual({ CreateSchedule: 2, UpdateSchedule: 1 });
    expect(snap.ses).toEqual({ SendEmail: 1 });
    expect(usagePer(snap, 3)).toEqual({
      readUnits: 0,
      writeUnits: 2,
      schedulerCalls: 1,
      sesCalls: 1 / 3,
    });
    expect(() => usagePer(snap, 0)).toThrow(RangeError);
  });

  it('starts again from zero after reset', () => {
    const usage = createUsageCounter();
    usage.recordCall('ses', 'SendEmail');
    usage.recordDynamoDb('cart.get', 'read', { CapacityUnits: 1 });
    usage.reset();
    expect(usage.snapshot()).toEqual({
      dynamodb: {},
      scheduler: {},
      ses: {},
      totals: { readUnits: 0, writeUnits: 0, schedulerCalls: 0, sesCalls: 0 },
    });
  });
});
