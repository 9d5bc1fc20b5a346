/** Schema steps, applied in order; `PRAGMA user_version` counts how many a file has had. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE carts (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    email TEXT,
    last_activity_at INTEGER NOT NULL,
    -- The local timer: one indexed due time per cart, claimed by one loop. No timer objects.
    wake_at INTEGER,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
  ) STRICT;
  CREATE INDEX carts_due ON carts (wake_at) WHERE wake_at IS NOT NULL;
  CREATE INDEX carts_activity ON carts (last_activity_at, id);
  CREATE INDEX carts_open_email ON carts (email, last_activity_at) WHERE status = 'open' AND email IS NOT NULL;

  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    cart_id TEXT NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    cart_id TEXT,
    email TEXT,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT,
    detail TEXT,
    before TEXT,
    after TEXT
  ) STRICT;
  CREATE INDEX audit_cart ON audit (cart_id, seq) WHERE cart_id IS NOT NULL;
  CREATE INDEX audit_email ON audit (email, action, at) WHERE email IS NOT NULL;
  CREATE INDEX audit_at ON audit (at);

  CREATE TABLE unsubscribes (
    email TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX unsubscribes_at ON unsubscribes (at);
  `,
  // Sender health counts one kind of row over a window; this keeps that an index range scan.
  `
  CREATE INDEX audit_action_at ON audit (action, at);
  `,
  // Start-up recovery finds the carts a killed waiter left holding a step claim without parsing
  // every row (a full json_extract scan took ~300 ms per 100k carts; this index, ~0.1 ms).
  `
  CREATE INDEX carts_claimed ON carts (id)
    WHERE status = 'open' AND json_extract(data, '$.claimedStep') IS NOT NULL;
  `,
  // The claimed step gets its own column. An index on json_extract(data, ...) made SQLite parse
  // the row's JSON on every cart write, old row and new: about 60 of the 240 µs an event took
  // end to end (measured in-process, 20k events). The column costs an integer.
  `
  ALTER TABLE carts ADD COLUMN claimed_step INTEGER;
  UPDATE carts SET claimed_step = json_extract(data, '$.claimedStep');
  DROP INDEX carts_claimed;
  CREATE INDEX carts_claimed_step ON carts (id)
    WHERE status = 'open' AND claimed_step IS NOT NULL;
  `,
  // Every other id a cart is known by (a checkout token, a cart token, an order id) names its row
  // here, so an order that points back by any of them finds the checkout. A cart's own id is its
  // primary key in carts and is not repeated. Purchases are on record under every address a
  // bought cart was known by, for the purchase guard.
  `
  CREATE TABLE cart_aliases (
    alias TEXT PRIMARY KEY,
    cart_id TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE purchases (
    email TEXT NOT NULL,
    cart_id TEXT NOT NULL,
    bought_at INTEGER NOT NULL,
    PRIMARY KEY (email, cart_id)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO purchases (email, cart_id, bought_at)
    SELECT email, id, json_extract(data, '$.boughtAt') FROM carts
    WHERE status = 'bought' AND email IS NOT NULL AND json_extract(data, '$.boughtAt') IS NOT NULL;
  `,
  // Sender health's per-day tallies (domain/health-tally.ts), filled by every audit write; the
  // backfill gives an existing file the figures its audit rows already hold.
  `
  CREATE TABLE health_tally (
    day TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (day, field)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO health_tally (day, field, value)
    SELECT date(at / 1000, 'unixepoch'),
           (CASE WHEN substr(cart_id, 1, 4) = 'web_' THEN 'browser' ELSE 'signed' END) || '.' ||
           (CASE action WHEN 'reminder_sent' THEN 'sent' ELSE action END),
           COUNT(*)
    FROM audit WHERE action IN ('reminder_sent', 'bounced', 'complained')
    GROUP BY 1, 2;
  INSERT INTO health_tally (day, field, value)
    SELECT date(at / 1000, 'unixepoch'), action, MAX(at) FROM audit
    WHERE action IN ('sender_paused', 'sender_resumed', 'sender_cleared', 'snippet_paused',
                     'snippet_resumed')
    GROUP BY 1, 2;
  `,
  // The owner's search (issue 16). An address finds every cart it is on, whatever the status,
  // through carts_email. Item names (lower-cased, one per line) sit in cart_names, a side table
  // of ~60-byte rows carrying each cart's last activity: a search reads it end to end (100,000
  // carts, a few MB, tens of ms) and sorts only its small rows. Not FTS5: its index cost every
  // new cart ~0.2-0.4 ms more to write (segment flushes per commit, measured), paid on intake's
  // path for a page an owner opens now and then. Keyed by an INTEGER PRIMARY KEY of its own, not
  // carts' rowid, which VACUUM (cart-recovery forget) may renumber. The cart store keeps it
  // current on every write; deleting a cart deletes its names.
  `
  CREATE INDEX carts_email ON carts (email) WHERE email IS NOT NULL;
  CREATE TABLE cart_names (
    seq INTEGER PRIMARY KEY,
    cart_id TEXT NOT NULL UNIQUE,
    names TEXT NOT NULL,
    at INTEGER NOT NULL
  ) STRICT;
  CREATE TRIGGER carts_names_gone AFTER DELETE ON carts BEGIN
    DELETE FROM cart_names WHERE cart_id = old.id;
  END;
  INSERT INTO cart_names (cart_id, names, at)
    SELECT id, lower(coalesce((SELECT group_concat(json_extract(value, '$.name'), char(10))
                               FROM json_each(carts.data, '$.items')), '')), last_activity_at
    FROM carts;
  `,
  // Intake's cost (issue 19): every cart write kept two indexes on the address. An address has a
  // handful of carts, so openCartsFor reads them through carts_email and filters the open ones;
  // the partial (email, last_activity_at) index only added an index write to each event
  // (measured: 34 to 25 us per row update with it gone).
  `
  DROP INDEX IF EXISTS carts_open_email;
  `,
];
