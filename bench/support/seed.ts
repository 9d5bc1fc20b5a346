/**
 * Fast bulk seeding for benchmarks: N realistic carts written straight into a SQLite file in one
 * transaction with one prepared INSERT. This bypasses intake on purpose (building the data set is
 * not what the benches measure; intake throughput has its own bench).
 */
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { seededRandom } from '../../src/cli/demo/plan.ts';
import { type Cart, type CartItem, CartStatus, type ClosedReason } from '../../src/domain/cart.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const PRODUCTS: readonly Omit<CartItem, 'quantity'>[] = [
  product('SHIRT-L', 'Linen shirt', 5900),
  product('CANDLE', 'Candle, fig & cedar', 2550),
  product('MUG-BLUE', 'Stoneware mug', 1800),
  product('SCARF', 'Wool scarf', 4200),
  product('NOTEBOOK', 'Dot-grid notebook', 1250),
  product('TEA-100', 'Sencha tea, 100 g', 1475),
  product('LAMP', 'Brass desk lamp', 8900),
  product('SOCKS-3', 'Socks (3 pairs)', 1500),
];

function product(sku: string, name: string, priceMinor: number): Omit<CartItem, 'quantity'> {
  return {
    sku,
    name,
    priceMinor,
    url: `https://shop.example/p/${sku.toLowerCase()}`,
    imageUrl: `https://cdn.shop.example/img/${sku.toLowerCase()}.jpg`,
  };
}

/** A row's address and the list of addresses it was known by, which holds it. */
function withEmail(email: string | null) {
  return { email, knownEmails: email === null ? [] : [email] };
}

export interface SeedSpec {
  /** Carts to insert. */
  readonly count: number;
  /** Prefix of the cart ids (`<prefix><n>`), so several seeds can share a file. */
  readonly idPrefix: string;
  /** lastActivityAt of cart i is spread evenly over [from, to). */
  readonly from: number;
  readonly to: number;
  /**
   * 'mixed': a day's real mix (about 70% open, 20% bought, some recovered, 10% closed).
   * 'open': every cart open with one wake-up armed at `wakeAfter` or later.
   */
  readonly statuses: 'mixed' | 'open';
  /** Earliest wake-up for open carts; they are spread over the three days after it. */
  readonly wakeAfter?: number;
  readonly seed?: number;
}

export function seedCart(i: number, spec: SeedSpec, random: () => number): Cart {
  const id = `${spec.idPrefix}${i.toString().padStart(7, '0')}`;
  const span = spec.to - spec.from;
  const lastActivityAt = spec.from + Math.floor((i * span) / spec.count);
  const itemCount = 2 + Math.floor(random() * 3);
  const items: CartItem[] = [];
  for (let k = 0; k < itemCount; k++) {
    const p = PRODUCTS[Math.floor(random() * PRODUCTS.length)] ?? PRODUCTS[0];
    if (p !== undefined) items.push({ ...p, quantity: 1 + Math.floor(random() * 3) });
  }
  const totalMinor = items.reduce((sum, item) => sum + item.priceMinor * item.quantity, 0);
  const roll = spec.statuses === 'open' ? 0 : random();
  const status: Cart['status'] =
    roll < 0.7 ? CartStatus.open : roll < 0.9 ? CartStatus.bought : CartStatus.closed;
  const reminded = status === CartStatus.open ? Math.floor(random() * 3) : Math.floor(random() * 4);
  const recovered = status === CartStatus.bought && reminded > 0 && random() < 0.5;
  const closedReason: ClosedReason | null =
    status !== CartStatus.closed
      ? null
      : ((['suppressed', 'written_off', 'expired'] as const)[Math.floor(random() * 3)] ??
        'expired');
  const wakeAt =
    status !== CartStatus.open
      ? null
      : (spec.wakeAfter ?? lastActivityAt + HOUR) + Math.floor(random() * 3 * 24 * HOUR);
  const finalAt = lastActivityAt + 30 * MINUTE;
  return {
    id,
    aliases: [],
    ...withEmail(random() < 0.92 ? `shopper${i}.${spec.idPrefix}@example.com` : null),
    currency: 'USD',
    totalMinor,
    items,
    restoreUrl: `https://shop.example/cart/${id}`,
    savedLink: random() < 0.15,
    timezone: 'Europe/Paris',
    consent: true,
    status,
    closedReason,
    createdAt: lastActivityAt - Math.floor(random() * 20 * MINUTE),
    lastActivityAt,
    lastEventId: `evt_${id}`,
    remindersSent: reminded,
    abandonedAt: reminded > 0 ? lastActivityAt + HOUR : null,
    firstReminderAt: reminded > 0 ? lastActivityAt + HOUR : null,
    lastReminderAt: reminded > 0 ? lastActivityAt + HOUR * reminded : null,
    claimedStep: null,
    claimedAt: null,
    boughtAt: status === CartStatus.bought ? finalAt : null,
    orderId: status === CartStatus.bought ? `order_${id}` : null,
    recoveredAt: recovered ? finalAt : null,
    clickedAt: recovered ? finalAt - MINUTE : null,
    closedAt: status === CartStatus.closed ? finalAt : null,
    wakeAt,
    fieldStamps: {},
    version: 1,
  };
}

export interface SeedResult {
  readonly rows: number;
  readonly seconds: number;
  readonly fileBytes: number;
}

/**
 * Inserts every spec's carts into the database at `path` (created and migrated if new). Durability
 * is switched off for the load only: it is a throwaway file, rebuilt if the machine dies.
 */
export function seedDatabase(path: string, specs: readonly SeedSpec[]): SeedResult {
  openDatabase({ path }).close();
  const db = new Database(path);
  const t0 = performance.now();
  let rows = 0;
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144');
    const insert = db.prepare(
      `INSERT INTO carts (id, status, email, last_activity_at, wake_at, version, data)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (const spec of specs) {
        const random = seededRandom(spec.seed ?? 42);
        for (let i = 0; i < spec.count; i++) {
          const c = seedCart(i, spec, random);
          insert.run(
            c.id,
            c.status,
            c.email,
            c.lastActivityAt,
            c.wakeAt,
            c.version,
            JSON.stringify(c),
          );
          rows++;
        }
      }
    })();
  } finally {
    // Back to WAL, as the runtime expects to find the file.
    db.pragma('journal_mode = WAL');
    db.close();
  }
  return { rows, seconds: (performance.now() - t0) / 1000, fileBytes: sqliteBytes(path) };
}

/** The database file plus its WAL, if any. */
export function sqliteBytes(path: string): number {
  let total = 0;
  for (const file of [path, `${path}-wal`]) {
    try {
      total += statSync(file).size;
    } catch {
      // no WAL file: nothing to add
    }
  }
  return total;
}
