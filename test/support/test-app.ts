/** A real local stack (SQLite file in a temp dir) without a mailer, for HTTP and intake tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/sqlite/sqlite-unsubscribe-list.ts';
import { createIntake } from '../../src/app/intake.ts';
import { createStops } from '../../src/app/stops.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.ts';
import { createApp } from '../../src/http/app.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { Wakeups } from '../../src/ports/wakeups.ts';
import { signedRequest } from './signed-event.ts';

export const SECRET = 'whsec_test_secret_0123456789';
export const OWNER_TOKEN = 'own_test_token_0123456789';

export function makeTestApp(
  options: { policy?: Partial<Policy>; dir?: string; start?: number } = {},
) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'cr-test-'));
  const clock = createManualClock(options.start ?? Date.parse('2026-11-23T08:00:00Z'));
  const policy: Policy = { ...DEFAULT_POLICY, ...options.policy };
  const db = openDatabase({ path: join(dir, 'cart-recovery.sqlite') });
  const store = createSqliteCartStore(db);
  const unsubscribes = createSqliteUnsubscribeList(db);
  const armed: Array<{ cartId: string; at: number | null }> = [];
  const wakeups: Wakeups = {
    async set(cartId, at) {
      armed.push({ cartId, at });
    },
  };
  const ingest = createIntake({ store, wakeups, policy, clock });
  const stops = createStops({ store, unsubscribes, wakeups, clock, policy });
  const app = createApp({
    ingest,
    webhookSecret: SECRET,
    clock,
    store,
    stops,
    owners: [{ name: 'sam', token: OWNER_TOKEN }],
    storeTimeZone: 'UTC',
  });
  return {
    dir,
    db,
    clock,
    policy,
    store,
    unsubscribes,
    wakeups,
    armed,
    ingest,
    stops,
    app,
    /** Posts a store event, signed now, to POST /events; the status and the parsed answer. */
    async postEvent(body: unknown) {
      const res = await app.request(
        '/events',
        signedRequest(SECRET, JSON.stringify(body), clock.now()),
      );
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    },
    close(remove = true) {
      db.close();
      if (remove && options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
