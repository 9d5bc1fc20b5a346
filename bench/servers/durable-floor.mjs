// The durable floor: the least a server can do and still answer 200 only once the event is on
// disk. The bare server's work (read the body, verify the same HMAC signature, parse the JSON),
// then one UPSERT per event into SQLite (WAL, synchronous=FULL), the events that arrive in one
// event-loop turn sharing one transaction and one fsync, each answered after that commit.
// No validation, no de-duplication, no merge: what cart-recovery does beyond this is its cost.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { onSignedBody } from './signed-body.mjs';

const secret = process.env.CR_WEBHOOK_SECRET;
const dir = process.env.CR_DATA_DIR;
mkdirSync(dir, { recursive: true });
const db = new Database(join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(
  'CREATE TABLE IF NOT EXISTS carts (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, data TEXT NOT NULL)',
);
const upsert = db.prepare(
  'INSERT INTO carts (id, event_id, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET event_id = excluded.event_id, data = excluded.data',
);
let pending = [];
const commit = db.transaction((batch) => {
  for (const item of batch) upsert.run(item.cartId, item.eventId, item.text);
});
function flush() {
  const batch = pending;
  pending = [];
  commit(batch);
  for (const { res, cartId } of batch) {
    const json = JSON.stringify({ cart: { id: cartId, status: 'open' }, duplicate: false });
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
    });
    res.end(json);
  }
}

const server = createServer(
  onSignedBody(secret, (body, text, res) => {
    pending.push({ res, cartId: body.cart.id, eventId: body.id, text });
    if (pending.length === 1) setImmediate(flush);
  }),
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () =>
  server.close(() => {
    db.close();
    process.exit(0);
  }),
);
