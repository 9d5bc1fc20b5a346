import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { runCartIdentitiesContract } from './cart-identities.contract.ts';
import { runCartSearchContract } from './cart-search.contract.ts';
import { type CartStoreContractOptions, runCartStoreContract } from './cart-store.contract.ts';

const options: CartStoreContractOptions = {
  name: 'SQLite (in memory)',
  make: async () => {
    const db = openDatabase({ path: ':memory:' });
    return { store: createSqliteCartStore(db), close: async () => void db.close() };
  },
};

runCartStoreContract(options);
runCartIdentitiesContract(options);
runCartSearchContract(options);
