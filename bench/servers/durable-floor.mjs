// The durable floor: the least a server can do and still answer 200 only once the event is on
// disk. The bare server's work (read the body, verify the same HMAC signature, parse the JSON),
// then one UPSERT per event into SQLite (WAL, synchronous=FULL), the events that arrive in one
// event-loop turn sharing one transaction and one fsync, each answered after that commit.
// No validation, no de-duplication, no merge: what cart-recovery does beyond this is its cost.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

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

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const header = req.headers['x-cr-signature'] ?? '';
    const t = /t=(\d+)/.exec(header)?.[1];
    const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
    const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
    if (!t || !v1 || !timingSafeEqual(Buffer.from(v1, 'hex'), expected)) {
      res.writeHead(401).end();
      return;
    }
    const text = raw.toString('utf8');
    const body = JSON.parse(text);
    pending.push({ res, cartId: body.cart.id, eventId: body.id, text });
    if (pending.length === 1) setImmediate(flush);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () =>
  server.close(() => {
    db.close();
    process.exit(0);
  }),
);
