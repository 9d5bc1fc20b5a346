/**
 * The DynamoDB side of a function: the cart store, the unsubscribe list, owner sign-outs, sender
 * health's tallies and the snippet's address budget, each built on first use from the table
 * names the stack gave this function. The only module of src/lambda/ that loads the DynamoDB
 * client, so a function that needs nothing else (ses-feedback) loads no other SDK.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbAddressBudget } from '../adapters/dynamodb/dynamodb-address-budget.ts';
import { createDynamoDbCartStore } from '../adapters/dynamodb/dynamodb-cart-store.ts';
import { createDynamoDbHealthTallies } from '../adapters/dynamodb/dynamodb-health-tallies.ts';
import { createDynamoDbOwnerSignOuts } from '../adapters/dynamodb/dynamodb-owner-sign-outs.ts';
import { createDynamoDbUnsubscribeList } from '../adapters/dynamodb/dynamodb-unsubscribe-list.ts';
import { clockOf, type Env, need, once, type PartOptions, withUsage } from './aws-env.ts';

export type DynamoDbParts = ReturnType<typeof dynamoDbParts>;

export interface StoreSettings {
  /** CR_RETAIN_CARTS: how long a final cart keeps its shopper data (config.policy.retainCartsMs). */
  readonly purchaseRetentionMs?: number | null;
}

export function dynamoDbParts(env: Env, options: PartOptions = {}, settings: StoreSettings = {}) {
  const client = once(() => options.clients?.dynamodb ?? new DynamoDBClient({}));
  const clock = clockOf(options);
  const usage = withUsage(options.usage);
  const state = () => need(env, 'CR_TABLE_STATE');
  const audit = () => need(env, 'CR_TABLE_AUDIT');
  return {
    store: once(() =>
      createDynamoDbCartStore({
        client: client(),
        stateTable: state(),
        auditTable: audit(),
        clock,
        ...(settings.purchaseRetentionMs === undefined
          ? {}
          : { purchaseRetentionMs: settings.purchaseRetentionMs }),
        ...usage,
      }),
    ),
    unsubscribes: once(() =>
      createDynamoDbUnsubscribeList({
        client: client(),
        table: need(env, 'CR_TABLE_UNSUBSCRIBE'),
        auditTable: audit(),
        ...usage,
      }),
    ),
    signOuts: once(() =>
      createDynamoDbOwnerSignOuts({ client: client(), stateTable: state(), ...usage }),
    ),
    tallies: once(() =>
      createDynamoDbHealthTallies({ client: client(), auditTable: audit(), ...usage }),
    ),
    addressBudget: once(() =>
      createDynamoDbAddressBudget({ client: client(), table: state(), ...usage }),
    ),
  };
}
