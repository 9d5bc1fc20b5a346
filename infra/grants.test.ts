import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './functions.ts';
import { TALLY_PARTITION, type TableKey } from './grants.ts';
import type { FunctionKey } from './stack.ts';
import { actionsOf, KEYS, resourcesOf, synth } from './test-synth.ts';

/**
 * What each function may do to each table, written out again here (not imported from grants.ts),
 * so a change to the grants is a change to this test too. See grants.ts for why each is needed.
 */
const EXPECTED: Record<FunctionKey, Partial<Record<TableKey, string[]>>> = {
  http: {
    state: ['BatchGetItem', 'ConditionCheckItem', 'GetItem', 'PutItem', 'Query'],
    audit: ['BatchGetItem', 'PutItem', 'Query'],
    unsubscribe: ['DeleteItem', 'GetItem', 'PutItem', 'Query'],
  },
  waiter: {
    state: ['BatchGetItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'],
    audit: ['PutItem', 'Query'],
    unsubscribe: ['GetItem', 'PutItem', 'Query'],
  },
  nightlyExport: { state: ['BatchGetItem', 'Query'] },
  monthlySummary: { state: ['BatchGetItem', 'Query'], audit: ['BatchGetItem', 'Query'] },
  sesFeedback: { audit: ['PutItem'], unsubscribe: ['GetItem', 'PutItem'] },
  rearm: { state: ['Scan'] },
};

const TABLES: TableKey[] = ['state', 'audit', 'unsubscribe'];

let d: ReturnType<typeof synth>;
beforeAll(() => {
  d = synth();
});

/**
 * The DynamoDB actions a function's role has, unconditionally, on a table's ARN and on its
 * indexes (the one conditional grant, tally updates, is checked on its own).
 */
function granted(key: FunctionKey, table: TableKey) {
  const id = d.stack.getLogicalId(d.stack.tables[table].node.defaultChild as never);
  const tableArn = JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] });
  const onTable = new Set<string>();
  const onIndexes = new Set<string>();
  for (const s of d.statementsOf(d.roleOf(key)).filter((s) => s.Condition === undefined)) {
    const dynamo = actionsOf(s).filter((a) => a.startsWith('dynamodb:'));
    for (const resource of resourcesOf(s).map((r) => JSON.stringify(r))) {
      const into = resource === tableArn ? onTable : resource.includes(id) ? onIndexes : null;
      if (into !== null && resource.includes('/index/*') !== (into === onTable)) {
        for (const action of dynamo) into.add(action.replace('dynamodb:', ''));
      }
    }
  }
  return { onTable: [...onTable].sort(), onIndexes: [...onIndexes].sort() };
}

describe('CartRecoveryStack table grants, action by action', () => {
  it.each(KEYS)('grants %s exactly the DynamoDB actions its code calls', (key) => {
    for (const table of TABLES) {
      const { onTable } = granted(key, table);
      expect(onTable, `${key} on ${table}`).toEqual(EXPECTED[key][table] ?? []);
    }
  });

  it('lets every function that queries a table query its indexes too, and nothing else there', () => {
    for (const key of KEYS) {
      for (const table of TABLES) {
        const { onTable, onIndexes } = granted(key, table);
        // Query on an index is the only call an index answers; the other actions ride along
        // with CDK's table grant and do nothing there.
        if (onTable.includes('Query')) expect(onIndexes, `${key} ${table}`).toContain('Query');
        expect(onIndexes, `${key} ${table}`).toEqual(onTable);
      }
    }
  });

  it('lets the http function and the waiter only append to and read the audit trail', () => {
    // Put and reads only (BatchGetItem reads the owner pages' rows an index names).
    expect(granted('http', 'audit').onTable).toEqual(['BatchGetItem', 'PutItem', 'Query']);
    expect(granted('waiter', 'audit').onTable).toEqual(['PutItem', 'Query']);
  });

  it('never lets SES feedback take an address off the never-send list', () => {
    const { onTable } = granted('sesFeedback', 'unsubscribe');
    expect(onTable).not.toContain('DeleteItem');
    expect(onTable).not.toContain('UpdateItem');
    // The shopper's own resubscribe is the only delete, and it runs in http.
    for (const key of KEYS.filter((k) => k !== 'http')) {
      expect(granted(key, 'unsubscribe').onTable, key).not.toContain('DeleteItem');
    }
  });

  it('lets the audit writers update only the sender-health tallies in the audit table', () => {
    const auditId = d.stack.getLogicalId(d.stack.tables.audit.node.defaultChild as never);
    for (const key of KEYS) {
      const conditional = d
        .statementsOf(d.roleOf(key))
        .filter(
          (s) => s.Condition !== undefined && actionsOf(s).some((a) => a.startsWith('dynamodb:')),
        );
      if (!['http', 'waiter', 'sesFeedback'].includes(key)) {
        expect(conditional, key).toEqual([]);
        continue;
      }
      expect(conditional, key).toEqual([
        {
          Action: 'dynamodb:UpdateItem',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [auditId, 'Arn'] },
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['HEALTH'] } },
        },
      ]);
    }
  });

  it('grants no wildcard and no batch write to anyone, and Scan to rearm alone', () => {
    for (const key of KEYS) {
      const actions = d.statementsOf(d.roleOf(key)).flatMap(actionsOf);
      for (const action of ['dynamodb:*', 'dynamodb:BatchWriteItem']) {
        expect(actions, key).not.toContain(action);
      }
      if (key === 'rearm') expect(actions).toContain('dynamodb:Scan');
      else expect(actions, key).not.toContain('dynamodb:Scan');
    }
  });
});

/**
 * The DynamoDB calls the grants above were read from. When an adapter starts (or stops) calling
 * something, this fails: update infra/grants.ts (and EXPECTED) for every function that reaches
 * the new call, then this inventory.
 */
const INVENTORY: Record<string, { commands: string[]; transactItems: string[] }> = {
  'src/adapters/dynamodb/dynamodb-address-budget.ts': {
    commands: ['Get', 'TransactWrite'],
    transactItems: ['Put', 'Update'],
  },
  'src/adapters/dynamodb/dynamodb-cart-rows.ts': { commands: ['BatchGet'], transactItems: [] },
  // The cart store, split by job: its shared GetItem, its reads, its writes.
  'src/adapters/dynamodb/dynamodb-cart-context.ts': { commands: ['Get'], transactItems: [] },
  // Scan: only cartsToRearm, which only rearm calls.
  'src/adapters/dynamodb/dynamodb-cart-reads.ts': { commands: ['Scan'], transactItems: [] },
  // A tally Update outside a transaction follows an audit row the row write did not carry.
  'src/adapters/dynamodb/dynamodb-cart-writes.ts': {
    commands: ['Put', 'TransactWrite', 'Update'],
    transactItems: ['ConditionCheck', 'Put'],
  },
  'src/adapters/dynamodb/dynamodb-owner-sign-outs.ts': {
    commands: ['Get', 'Put'],
    transactItems: [],
  },
  // The tally Update rides in the cart store's and the unsubscribe list's transactions.
  'src/adapters/dynamodb/dynamodb-tables.ts': { commands: ['Query'], transactItems: ['Update'] },
  'src/adapters/dynamodb/dynamodb-unsubscribe-list.ts': {
    commands: ['Get', 'TransactWrite'],
    transactItems: ['Delete', 'Put'],
  },
};

/** Every source file the six Lambda bundles contain (what the grants have to cover). */
async function bundledSources(): Promise<string[]> {
  const entries = ['http', 'waiter', 'nightly-export', 'monthly-summary', 'ses-feedback', 'rearm'];
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: entries.map((entry) => `src/lambda/${entry}.ts`),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outdir: 'unused',
    external: ['@aws-sdk/*'],
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((file) => file.startsWith('src/'));
}

describe('the DynamoDB calls behind the grants', () => {
  it('are the ones the grants were read from (re-read grants.ts when this fails)', async () => {
    const found: typeof INVENTORY = {};
    for (const file of await bundledSources()) {
      const code = readFileSync(path.join(REPO_ROOT, file), 'utf8');
      if (!/from '@aws-sdk\/(lib|client)-dynamodb'/.test(code)) continue;
      const commands = [...code.matchAll(/new (\w+?)(?:Item)?Command\(/g)].map((m) => m[1] ?? '');
      const items = [...code.matchAll(/[{,]\s*(Put|Update|Delete|ConditionCheck):/g)].map(
        (m) => m[1] ?? '',
      );
      if (commands.length === 0 && items.length === 0) continue;
      found[file] = {
        commands: [...new Set(commands)].sort(),
        transactItems: [...new Set(items)].sort(),
      };
    }
    expect(found).toEqual(INVENTORY);
  });

  it('put the sender-health tallies in the partition the conditional grant names', () => {
    const tables = readFileSync(
      path.join(REPO_ROOT, 'src/adapters/dynamodb/dynamodb-tables.ts'),
      'utf8',
    );
    expect(/export const TALLY_PK = '([^']+)'/.exec(tables)?.[1]).toBe(TALLY_PARTITION);
  });
});
