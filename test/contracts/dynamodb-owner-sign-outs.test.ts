import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbOwnerSignOuts } from '../../src/adapters/dynamodb/dynamodb-owner-sign-outs.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { runOwnerSignOutsContract } from './owner-sign-outs.contract.ts';

let emulator: DynamoDbLocal;
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
});
afterAll(async () => {
  await emulator?.stop();
});

runOwnerSignOutsContract({
  name: 'DynamoDB (DynamoDB Local, the state table)',
  make: async () => {
    const tables = await createTables(emulator.client());
    const open = () =>
      createDynamoDbOwnerSignOuts({ client: emulator.client(), stateTable: tables.state });
    return { signOuts: open(), reopen: async () => open(), close: async () => {} };
  },
});
