/**
 * Exactly the DynamoDB actions each function's code calls, table by table, and nothing else.
 * Read off the adapters (src/adapters/dynamodb/dynamodb-*.ts) and the use cases each function runs;
 * infra/grants.test.ts fails when an adapter starts calling something new, so this list is looked
 * at again. TransactWriteItems has no action of its own: IAM checks each item in it as the
 * PutItem, UpdateItem, DeleteItem or ConditionCheckItem it is. Query covers the table's indexes
 * (grants on a table with indexes include `<table>/index/*`), and only rearm may Scan.
 *
 * What each table is used for, per function:
 *   http (intake, shopper links, owner API and pages, sign-outs, sender-health status)
 *     state:       GetItem (cart, seen event, sign-out), PutItem (cart and seen event in a
 *                  transaction, a seen event alone, sign-out), ConditionCheckItem (a new row's id
 *                  is no alias, a new alias is no row), BatchGetItem (ownersOf), Query (byDay,
 *                  byEmail)
 *     audit:       PutItem (every change's audit rows), Query (a cart's, an address's, a month's
 *                  rows; sender health). Append and read only: the trail cannot be edited.
 *     unsubscribe: GetItem, PutItem (unsubscribe, upgrade), DeleteItem (the shopper's own
 *                  resubscribe, conditioned on the shopper's own unsubscribe), Query (byDay counts)
 *   waiter (one wake-up: read, decide, mail, save, re-arm)
 *     state:       GetItem, PutItem (the cart; a snippet address's budget item), UpdateItem (the
 *                  day's budget counter), Query (purchases by address, open carts by address)
 *     audit:       PutItem, Query (sends to an address, sender health)
 *     unsubscribe: GetItem, PutItem (a hard bounce at send time), Query (sender health)
 *   nightlyExport: state Query (the day's carts)
 *   monthlySummary: state Query (the month's carts), audit Query (the month's rows)
 * Indexes keep keys (and a few attributes) only, so every function that lists rows through one
 * then reads them by key: BatchGetItem where it queries an index for whole rows (http's
 * address audit, the waiter's open carts, the export's day, the summary's month).
 *   sesFeedback: unsubscribe GetItem, PutItem (add or strengthen a block, never remove one);
 *                audit PutItem
 *   rearm: state Scan (every open cart, after a restore; run by hand, it writes nothing)
 *
 * Sender health's day tallies are the one thing in the audit table that changes: each audit row
 * written by the cart store or the unsubscribe list updates its day's tally item in the same
 * transaction (tallyWrites in dynamodb-tables.ts). So http, the waiter and SES feedback may
 * UpdateItem in the audit table, but only items of the tally partition (dynamodb:LeadingKeys):
 * an audit row itself can still only be put and read.
 */
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { createTables } from './resources.ts';
import type { FunctionKey } from './stack.ts';

export type TableKey = 'state' | 'audit' | 'unsubscribe';
type Access = Partial<Record<TableKey, readonly string[]>>;

export const TABLE_ACCESS: Readonly<Record<FunctionKey, Access>> = {
  http: {
    state: ['GetItem', 'PutItem', 'ConditionCheckItem', 'BatchGetItem', 'Query'],
    audit: ['PutItem', 'Query', 'BatchGetItem'],
    unsubscribe: ['GetItem', 'PutItem', 'DeleteItem', 'Query'],
  },
  waiter: {
    state: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchGetItem'],
    audit: ['PutItem', 'Query'],
    unsubscribe: ['GetItem', 'PutItem', 'Query'],
  },
  nightlyExport: { state: ['Query', 'BatchGetItem'] },
  monthlySummary: { state: ['Query', 'BatchGetItem'], audit: ['Query', 'BatchGetItem'] },
  sesFeedback: { unsubscribe: ['GetItem', 'PutItem'], audit: ['PutItem'] },
  rearm: { state: ['Scan'] },
};

/** TALLY_PK of src/adapters/dynamodb/dynamodb-tables.ts (grants.test.ts checks they agree). */
export const TALLY_PARTITION = 'HEALTH';
/** The functions whose audit writes carry tally updates. */
export const TALLY_WRITERS: readonly FunctionKey[] = ['http', 'waiter', 'sesFeedback'];

export function grantTableAccess(
  functions: Readonly<Record<FunctionKey, IGrantable>>,
  tables: ReturnType<typeof createTables>,
): void {
  for (const [key, access] of Object.entries(TABLE_ACCESS) as Array<[FunctionKey, Access]>) {
    for (const [table, actions] of Object.entries(access) as Array<[TableKey, string[]]>) {
      tables[table].grant(functions[key], ...actions.map((action) => `dynamodb:${action}`));
    }
  }
  for (const key of TALLY_WRITERS) {
    functions[key].grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [tables.audit.tableArn],
        conditions: {
          'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TALLY_PARTITION] },
        },
      }),
    );
  }
}
