/**
 * The DynamoDB cart store's writes (see dynamodb-cart-store.ts for the rules they keep): one
 * change as a conditional Put or a transaction, its audit rows and tallies, and seen-event markers.
 */
import {
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AuditAction, type AuditEntry } from '../../domain/audit.ts';
import type { Cart } from '../../domain/cart.ts';
import type { CartStore, RecordEventResult, SaveCart, SaveResult } from '../../ports/cart-store.ts';
import { type CartContext, CartStoreError } from './dynamodb-cart-context.ts';
import {
  aliasKey,
  cartItem,
  cartKey,
  eventKey,
  purchaseItems,
  toCart,
} from './dynamodb-cart-rows.ts';
import {
  auditItem,
  cancellationCodes,
  errorName,
  type Item,
  lostRace,
  MAX_TRANSACT_ITEMS,
  TTL_ATTRIBUTE,
  tallyWrites,
} from './dynamodb-tables.ts';

/** Long enough to outlive Shopify's 4-hour retries and any replay a store might do by hand. */
const EVENT_TTL_SECONDS = 30 * 86_400;

const withStoredAfter = (entries: readonly AuditEntry[], stored: Cart) =>
  entries.map((entry) => (entry.after === null ? entry : { ...entry, after: stored }));

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * Audit actions written in one transaction with the row they describe: sends (the frequency cap
 * and sender health count them from these rows) and stops. A let-go (`expired`) may trail its
 * row: the row itself says closed and why, so a crash between them loses a line of history only.
 */
const KEPT_WITH_CHANGE: ReadonlySet<string> = new Set<string>([
  AuditAction.reminderSent,
  AuditAction.checkout,
  AuditAction.suppress,
  AuditAction.writeOff,
  AuditAction.unsubscribe,
]);

export function createDynamoDbCartWrites(
  ctx: CartContext,
): Pick<CartStore, 'save' | 'recordEvent' | 'appendAudit'> {
  const { doc, stateTable, auditTable, clock, retention, options, fail, count, getItem } = ctx;

  /**
   * The writes of one cart change: the conditional row Put, and the other items that must change
   * with it (alias guards, purchases). Empty `atomic` means the row alone: no transaction.
   */
  function changeItems({ cart, expectedVersion, audit, newAliases = [] }: SaveCart) {
    const stored: Cart = { ...cart, version: (expectedVersion ?? 0) + 1 };
    const purchases = purchaseItems(stored, options.purchaseRetentionMs ?? null);
    const condition =
      expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    const row = { TableName: stateTable, Item: cartItem(stored), ...condition };
    const atomic: TransactItems = [
      // A bought row is on record under each of its addresses, in the same transaction.
      ...purchases.map((Item) => ({ Put: { TableName: stateTable, Item } })),
      // A new row under an id that is already another row's alias would split one cart in two.
      ...(expectedVersion === null
        ? [
            {
              ConditionCheck: {
                TableName: stateTable,
                Key: aliasKey(cart.id),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ]
        : []),
      // Taken meanwhile by another writer: the transaction fails as a conflict, the writer
      // reloads, and ownersOf then shows who holds the alias.
      ...newAliases.flatMap((alias) => [
        {
          Put: {
            TableName: stateTable,
            Item: { ...aliasKey(alias), cartId: cart.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        // Nor may an alias be another row's own id (one cart would then have two rows).
        {
          ConditionCheck: {
            TableName: stateTable,
            Key: cartKey(alias),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]),
    ];
    const entries = withStoredAfter(audit, stored);
    const auditWrites: TransactItems = entries.map((entry) => ({
      Put: { TableName: auditTable, Item: auditItem(entry, retention) },
    }));
    // Sender health counts sends as they are recorded (domain/health-tally.ts). Counters, written
    // after the change in every case: a crash between loses one count (the rate it feeds is a
    // 30-day ratio), and a counter outside the transaction costs half.
    const tallies = tallyWrites(entries, auditTable);
    const needed = 1 + atomic.length + auditWrites.length;
    // A send or a stop is on record with the change or not at all: the frequency cap and sender
    // health count sends from these rows, and "every stop and send is audited" must survive a
    // crash between two writes. Other rows (an update, a held step) may follow the row.
    const together =
      atomic.length > 0 || entries.some((entry) => KEPT_WITH_CHANGE.has(entry.action));
    if (together && needed > MAX_TRANSACT_ITEMS) {
      throw new CartStoreError(
        `one change of cart ${cart.id} needs ${needed} transaction items (audit rows, aliases, purchases): at most ${MAX_TRANSACT_ITEMS}`,
      );
    }
    return { stored, row, atomic, auditWrites, tallies, together };
  }

  async function transact(op: string, TransactItems: TransactItems) {
    try {
      const out = await doc.send(
        new TransactWriteCommand({ TransactItems, ReturnConsumedCapacity: 'TOTAL' }),
      );
      count(op, 'write', out.ConsumedCapacity);
    } catch (error) {
      // A cancelled transaction reports no capacity; the call still counts.
      count(op, 'write', undefined);
      throw error;
    }
  }

  /** Audit rows and tallies outside a transaction: each Put and Update on its own, all at once. */
  async function writeAudit(op: string, writes: TransactItems) {
    await Promise.all(
      writes.map(async (write) => {
        try {
          const out =
            write.Put !== undefined
              ? await doc.send(new PutCommand({ ...write.Put, ReturnConsumedCapacity: 'TOTAL' }))
              : await doc.send(
                  new UpdateCommand({
                    ...(write.Update as NonNullable<typeof write.Update>),
                    ReturnConsumedCapacity: 'TOTAL',
                  }),
                );
          count(op, 'write', out.ConsumedCapacity);
        } catch (error) {
          count(op, 'write', undefined);
          fail(`${write.Put !== undefined ? 'PutItem' : 'UpdateItem'} (${op})`, auditTable, error);
        }
      }),
    );
  }

  type Written = { readonly kind: 'saved'; readonly cart: Cart } | { readonly kind: 'conflict' };

  /** Writes one change: the row (alone or in its transaction), then whatever audit is left. */
  async function write(op: string, change: SaveCart): Promise<Written> {
    const { stored, row, atomic, auditWrites, tallies, together } = changeItems(change);
    if (together) {
      try {
        // A transaction: the audit rows ride in it and are atomic with the change.
        await transact(op, [{ Put: row }, ...atomic, ...auditWrites]);
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.some(lostRace)) return { kind: 'conflict' };
        fail(`TransactWriteItems (${op})`, `${stateTable}+${auditTable}`, error);
      }
      await writeAudit(`${op}.tally`, tallies);
      return { kind: 'saved', cart: stored };
    }
    try {
      const out = await doc.send(new PutCommand({ ...row, ReturnConsumedCapacity: 'TOTAL' }));
      count(op, 'write', out.ConsumedCapacity);
    } catch (error) {
      count(op, 'write', undefined);
      if (errorName(error) === 'ConditionalCheckFailedException') return { kind: 'conflict' };
      fail(`PutItem (${op})`, stateTable, error);
    }
    // After the row, never before: an audit row always describes a change that happened. A
    // crash between the two leaves an update or a held step without its row; never a send or stop.
    await writeAudit(`${op}.audit`, [...auditWrites, ...tallies]);
    return { kind: 'saved', cart: stored };
  }

  /** Which row a seen event id was recorded for, or null when the id is new. */
  async function seenFor(eventId: string): Promise<string | null> {
    const marker = await getItem('event.seen', eventKey(eventId), 'cartId');
    if (marker === null) return null;
    return typeof marker.cartId === 'string' ? marker.cartId : '';
  }

  /** Remembers an event id (after its row, when it has one): a plain Put, the marker is small. */
  async function putMarker(eventId: string, cartId: string | null, onlyIfNew: boolean) {
    const now = clock.now();
    const Item: Item = {
      ...eventKey(eventId),
      cartId,
      receivedAt: now,
      [TTL_ATTRIBUTE]: Math.floor(now / 1000) + EVENT_TTL_SECONDS,
    };
    const condition = onlyIfNew ? { ConditionExpression: 'attribute_not_exists(pk)' } : {};
    try {
      const out = await doc.send(
        new PutCommand({
          TableName: stateTable,
          Item,
          ...condition,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      count('event.record', 'write', out.ConsumedCapacity);
      return true;
    } catch (error) {
      count('event.record', 'write', undefined);
      if (onlyIfNew && errorName(error) === 'ConditionalCheckFailedException') return false;
      fail('PutItem (seen event)', stateTable, error);
    }
  }

  /** An event that changes no row: remembered, unless its row already holds it (see the top). */
  async function recordNoChange(
    eventId: string,
    cartId: string | null,
  ): Promise<RecordEventResult> {
    // Most such events are plain re-deliveries: their marker answers, nothing is written.
    const seen = await seenFor(eventId);
    if (seen !== null) return { kind: 'duplicate', cartId: seen };
    if (cartId !== null) {
      const row = await getItem('event.rowHolds', cartKey(cartId));
      if (row !== null && toCart(row).lastEventId === eventId) {
        // The first delivery wrote the row and died before its marker: it is a duplicate.
        await putMarker(eventId, cartId, false);
        return { kind: 'duplicate', cartId };
      }
    }
    if (await putMarker(eventId, cartId, true)) return { kind: 'saved', cart: null };
    return { kind: 'duplicate', cartId: (await seenFor(eventId)) ?? '' };
  }

  return {
    async save(input): Promise<SaveResult> {
      return write('cart.save', input);
    },

    async recordEvent(eventId, change, cartId): Promise<RecordEventResult> {
      const about = cartId ?? change?.cart.id ?? null;
      if (change === null) return recordNoChange(eventId, about);
      // A seen id means nothing is written, whatever the cart's version.
      const seen = await seenFor(eventId);
      if (seen !== null) return { kind: 'duplicate', cartId: seen };
      // A concurrent delivery of the same id, or a lost race on the cart or an alias: the
      // retry reloads, finds the event in the row (stale) or its marker, and says duplicate.
      const written = await write('event.record', change);
      if (written.kind === 'saved') await putMarker(eventId, about, false);
      return written;
    },

    async appendAudit(entries) {
      // Rows that change no cart: each Put on its own, with its days' tallies (callers append a
      // handful at a time).
      const rows = entries.map((entry) => ({
        Put: { TableName: auditTable, Item: auditItem(entry, retention) },
      }));
      await writeAudit('audit.append', [...rows, ...tallyWrites(entries, auditTable)]);
    },
  };
}
