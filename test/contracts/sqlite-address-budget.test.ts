import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteAddressBudget } from '../../src/adapters/sqlite/sqlite-address-budget.ts';
import { runAddressBudgetContract } from './address-budget.contract.ts';

runAddressBudgetContract({
  name: 'SQLite (two connections to one file)',
  make: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cr-budget-'));
    const path = join(dir, 'cart-recovery.sqlite');
    const first = openDatabase({ path });
    const second = openDatabase({ path });
    return {
      budget: createSqliteAddressBudget(first),
      other: createSqliteAddressBudget(second),
      close: async () => {
        first.close();
        second.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
