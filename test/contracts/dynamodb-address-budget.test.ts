import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbAddressBudget } from '../../src/adapters/dynamodb/dynamodb-address-budget.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { runAddressBudgetContract } from './address-budget.contract.ts';

let emulator: DynamoDbLocal;
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
});
afterAll(async () => {
  await emulator?.stop();
});

runAddressBudgetContract({
  name: 'DynamoDB (DynamoDB Local)',
  make: async () => {
    const tables = await createTables(emulator.client());
    return {
      budget: createDynamoDbAddressBudget({ client: emulator.client(), table: tables.state }),
      other: createDynamoDbAddressBudget({ client: emulator.client(), table: tables.state }),
      close: async () => {},
    };
  },
});
