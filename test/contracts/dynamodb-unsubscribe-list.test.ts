import { afterAll, beforeAll } from 'vitest';
import { createDynamoDbCartStore } from '../../src/adapters/dynamodb/dynamodb-cart-store.ts';
import { createDynamoDbUnsubscribeList } from '../../src/adapters/dynamodb/dynamodb-unsubscribe-list.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { runUnsubscribeListContract } from './unsubscribe-list.contract.ts';

let emulator: DynamoDbLocal;
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
});
afterAll(async () => {
  await emulator?.stop();
});

runUnsubscribeListContract({
  name: 'DynamoDB (DynamoDB Local)',
  make: async () => {
    const client = emulator.client();
    const tables = await createTables(client);
    const carts = createDynamoDbCartStore({
      client,
      stateTable: tables.state,
      auditTable: tables.audit,
    });
    return {
      list: createDynamoDbUnsubscribeList({
        client,
        table: tables.unsubscribe,
        auditTable: tables.audit,
      }),
      auditForEmail: (email) => carts.auditForEmail(email),
      close: async () => {},
    };
  },
});
