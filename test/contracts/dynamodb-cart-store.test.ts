import { afterAll, beforeAll } from 'vitest';
import { ITEM_SEARCH_UNSUPPORTED } from '../../src/adapters/dynamodb/dynamodb-cart-search.ts';
import { createDynamoDbCartStore } from '../../src/adapters/dynamodb/dynamodb-cart-store.ts';
import { createTables, type DynamoDbLocal, startDynamoDbLocal } from '../support/dynamodb-local.ts';
import { runCartIdentitiesContract } from './cart-identities.contract.ts';
import { runCartSearchContract } from './cart-search.contract.ts';
import { type CartStoreContractOptions, runCartStoreContract } from './cart-store.contract.ts';

let emulator: DynamoDbLocal;
beforeAll(async () => {
  emulator = await startDynamoDbLocal();
});
afterAll(async () => {
  await emulator?.stop();
});

const options: CartStoreContractOptions = {
  name: 'DynamoDB (DynamoDB Local)',
  make: async () => {
    const client = emulator.client();
    const tables = await createTables(client);
    const store = createDynamoDbCartStore({
      client,
      stateTable: tables.state,
      auditTable: tables.audit,
    });
    return { store, close: async () => {} };
  },
};

runCartStoreContract(options);
runCartIdentitiesContract(options);
runCartSearchContract({
  ...options,
  skip: [
    {
      reason: ITEM_SEARCH_UNSUPPORTED,
      tests: [
        'finds carts by part of an item name, in any case',
        'finds an item-name match at its cart’s newest activity',
      ],
    },
  ],
});
