/** The DynamoDB meter's pricing of reads: every item read is billed whole, before any filter. */
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  type AttributeMap,
  itemSize,
  ReadMode,
  readUnits,
  toAttributeMap,
} from './dynamodb-billing.ts';
import { type Bill, type Input, type Output, type Probe, usedBy } from './dynamodb-meter-probe.ts';

/** The bill of each read API, by name. */
export function meterReads({
  probe,
  current,
}: Probe): Record<string, (input: Input, output: Output) => Promise<Bill[]>> {
  async function getItem(input: Input, output: Output): Promise<Bill[]> {
    const table = String(input.TableName);
    const found = output?.Item as Record<string, unknown> | undefined;
    const whole =
      input.ProjectionExpression === undefined
        ? found && toAttributeMap(found)
        : await current(table, toAttributeMap(input.Key as Input));
    const mode = input.ConsistentRead === true ? ReadMode.strong : ReadMode.eventual;
    return [{ key: `GetItem ${table}`, read: readUnits(itemSize(whole), mode) }];
  }

  async function batchGet(input: Input, output: Output): Promise<Bill[]> {
    const bills: Bill[] = [];
    const requested = input.RequestItems as Record<string, Input>;
    const unprocessed = (output?.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
    const responses = (output?.Responses ?? {}) as Record<string, Record<string, unknown>[]>;
    for (const [table, request] of Object.entries(requested)) {
      const keys = (request.Keys as Input[]).map(toAttributeMap);
      const processed = keys.length - (unprocessed[table]?.Keys?.length ?? 0);
      const mode = request.ConsistentRead === true ? ReadMode.strong : ReadMode.eventual;
      let sizes: number[];
      if (request.ProjectionExpression === undefined) {
        const found = (responses[table] ?? []).map((item) => itemSize(toAttributeMap(item)));
        // A key that found nothing is priced as the smallest read.
        sizes = [...found, ...Array(Math.max(0, processed - found.length)).fill(0)];
      } else {
        const skipped = new Set((unprocessed[table]?.Keys ?? []).map((k) => JSON.stringify(k)));
        const todo = keys.filter((k) => !skipped.has(JSON.stringify(k)));
        sizes = await Promise.all(todo.map(async (k) => itemSize(await current(table, k))));
      }
      const read = sizes.reduce((n, size) => n + readUnits(size, mode), 0);
      bills.push({ key: `BatchGetItem ${table}`, read });
    }
    return bills;
  }

  /** Query or Scan: one page, priced on every item read before filter and projection. */
  async function page(api: 'Query' | 'Scan', input: Input, output: Output): Promise<Bill[]> {
    const table = String(input.TableName);
    const index = input.IndexName === undefined ? '' : `/${String(input.IndexName)}`;
    const narrowed =
      input.FilterExpression !== undefined ||
      input.ProjectionExpression !== undefined ||
      (input.Select !== undefined && input.Select !== 'ALL_ATTRIBUTES');
    let items = (output?.Items ?? []) as Record<string, unknown>[];
    if (narrowed) {
      const keyCondition = String(input.KeyConditionExpression ?? '');
      const again = {
        TableName: input.TableName as string,
        IndexName: input.IndexName as string | undefined,
        ExclusiveStartKey: input.ExclusiveStartKey as AttributeMap | undefined,
        Limit: input.Limit as number | undefined,
        ConsistentRead: input.ConsistentRead as boolean | undefined,
        ...(keyCondition === '' ? {} : usedBy(keyCondition, input)),
      };
      const out =
        api === 'Query'
          ? await probe.send(
              new QueryCommand({
                ...again,
                KeyConditionExpression: keyCondition,
                ScanIndexForward: input.ScanIndexForward as boolean | undefined,
              }),
            )
          : await probe.send(new ScanCommand(again));
      items = out.Items ?? [];
    }
    const bytes = items.reduce((n, item) => n + itemSize(toAttributeMap(item)), 0);
    // A GSI is always read eventually consistent.
    const strong = input.ConsistentRead === true && index === '';
    const read = readUnits(bytes, strong ? ReadMode.strong : ReadMode.eventual);
    return [{ key: `${api} ${table}${index}`, read }];
  }

  async function transactGet(input: Input): Promise<Bill[]> {
    const items = (input.TransactItems ?? []) as { Get: Input }[];
    return Promise.all(
      items.map(async ({ Get }) => {
        const table = String(Get.TableName);
        const whole = await current(table, toAttributeMap(Get.Key as Input));
        return {
          key: `TransactGetItems ${table}`,
          read: readUnits(itemSize(whole), ReadMode.transactional),
        };
      }),
    );
  }

  return {
    GetItem: getItem,
    BatchGetItem: batchGet,
    Query: (i, o) => page('Query', i, o),
    Scan: (i, o) => page('Scan', i, o),
    TransactGetItems: (i) => transactGet(i),
  };
}
