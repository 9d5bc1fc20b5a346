/**
 * Crash safety of the real `serve` (SPEC sections 1-2): events fly over real HTTP, eight in
 * flight, and the process is SIGKILLed at a random moment, four times, then restarted on the same
 * data dir. Every event answered 200 must be in the store; an unanswered one may or may not be,
 * but never half-written. No message is ever mailed or recorded twice, and after the final restart
 * every cart that was due at a kill has exactly one step-1 .eml and one reminder_sent row for it:
 * a claim a killed waiter left is settled from the outbox (sent: recorded; not sent: sent once).
 * Waits are bounded; no timing asserts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cart } from '../../src/domain/cart.ts';
import { parseReminderMessageId, reminderCartKey } from '../../src/domain/copy.ts';
import { DEFAULT_POLICY } from '../../src/domain/policy.ts';
import { retainUntil } from '../../src/domain/retention.ts';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import {
  eventually,
  freePort,
  type ServeChild,
  sleep,
  startServe,
  stopServe,
} from '../support/serve-child.ts';
import { cartEvent } from '../support/signed-event.ts';

const SECRET = 'whsec_crash_test_0123456789abcdef';
const OWNER = 'own_crash_test_0123456789abcdef';
const ROUNDS = 4;
const IN_FLIGHT = 8;
const DUE_PER_ROUND = 5;
const dataDir = mkdtempSync(join(tmpdir(), 'cr-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = {
  CR_DATA_DIR: dataDir,
  CR_WEBHOOK_SECRET: SECRET,
  CR_OWNERS: `sam:${OWNER}`,
  CR_CADENCE: '2s,30s',
  CR_GIVE_UP_AFTER: '120s',
  CR_QUIET_HOURS: 'off',
  CR_FREQUENCY_CAP: 'off',
};

async function post(base: string, event: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify(event);
  const res = await fetch(`${base}/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-cr-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

function makeEvent(id: string, cartId: string, checkout: boolean) {
  return cartEvent({
    id,
    type: checkout ? 'cart.checked_out' : 'cart.updated',
    occurredAt: new Date().toISOString(),
    cart: {
      id: cartId,
      email: `${cartId}@example.com`,
      restoreUrl: `https://shop.example/${cartId}`,
    },
    orderId: checkout ? `order_${id}` : null,
  });
}

/** Posts events with eight in flight until the process dies; returns the ids answered 200. */
async function pump(served: ServeChild, round: number, acked: Set<string>): Promise<void> {
  let n = 0;
  let dead = false;
  void served.exited.then(() => {
    dead = true;
  });
  const worker = async (w: number) => {
    while (!dead) {
      const id = `evt_r${round}_w${w}_${n++}`;
      const cartId = `c_busy_${Math.floor(Math.random() * 40)}`;
      try {
        const status = await post(served.base, makeEvent(id, cartId, Math.random() < 0.1));
        if (status === 200) acked.add(id);
        else throw new Error(`event ${id} answered ${status}`);
      } catch (error) {
        // A connection cut by the kill is "no answer"; anything else is a failure.
        if (!dead && !(error instanceof TypeError)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, (_, w) => worker(w)));
}

/** One cart's one step, whichever sequence its Message-ID names (no cart here is reopened). */
const mailKey = (cartId: string, step: number) => `${reminderCartKey(cartId)}.${step}`;

function outboxCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  let files: string[] = [];
  try {
    files = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
  } catch {
    return counts;
  }
  for (const file of files) {
    const text = readFileSync(join(dataDir, 'outbox', file), 'utf8');
    const named = parseReminderMessageId(/^Message-ID:\s*(<[^>]+>)/im.exec(text)?.[1] ?? '');
    const id = named === null ? file : `${named.cartKey}.${named.step}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** How many reminder_sent rows each cart has for step 1. */
function stepOneRecords(sent: ReadonlyArray<{ cartId: string; detail: string }>) {
  const counts = new Map<string, number>();
  for (const row of sent) {
    if ((JSON.parse(row.detail) as { step: number }).step !== 1) continue;
    counts.set(row.cartId, (counts.get(row.cartId) ?? 0) + 1);
  }
  return counts;
}

interface Row {
  id: string;
  version: number;
  wake_at: number | null;
  data: string;
}

function readStore() {
  const db = new Database(join(dataDir, 'cart-recovery.sqlite'), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, version, wake_at, data FROM carts').all() as Row[];
    const events = new Set(
      (db.prepare('SELECT id FROM events').all() as Array<{ id: string }>).map((r) => r.id),
    );
    const sent = db
      .prepare("SELECT cart_id AS cartId, detail FROM audit WHERE action = 'reminder_sent'")
      .all() as Array<{ cartId: string; detail: string }>;
    const released = db
      .prepare("SELECT COUNT(*) AS n FROM audit WHERE reason = 'claim_recovered'")
      .get() as { n: number };
    return { rows, events, sent, released: released.n };
  } finally {
    db.close();
  }
}

describe('serve killed with SIGKILL mid-traffic', () => {
  it('keeps every acknowledged event and mails each due cart exactly once for step 1', {
    timeout: 240_000,
  }, async () => {
    const acked = new Set<string>();
    const dueCarts: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const served = await startServe(env, await freePort());
      // Carts that fall due (2 s) while the traffic runs, so the kill lands around their wake-up.
      for (let k = 0; k < DUE_PER_ROUND; k++) {
        const cartId = `c_due_${round}_${k}`;
        expect(await post(served.base, makeEvent(`evt_due_${round}_${k}`, cartId, false))).toBe(
          200,
        );
        acked.add(`evt_due_${round}_${k}`);
        dueCarts.push(cartId);
      }
      const traffic = pump(served, round, acked);
      await sleep(1500 + Math.random() * 2000);
      served.child.kill('SIGKILL');
      await served.exited;
      await traffic;
    }

    const final = await startServe(env, await freePort());
    try {
      // Start-up recovery makes leased and claimed carts due at once; the bound is generous.
      await eventually('every due cart to be mailed and recorded for step 1', 100_000, () => {
        const mails = outboxCounts();
        const recorded = stepOneRecords(readStore().sent);
        return dueCarts.every((id) => mails.has(mailKey(id, 1)) && recorded.has(id))
          ? true
          : undefined;
      });
    } finally {
      await stopServe(final);
    }

    const { rows, events, sent, released } = readStore();
    const missing = [...acked].filter((id) => !events.has(id));
    expect(missing, 'acknowledged events lost').toEqual([]);
    for (const row of rows) {
      const cart = JSON.parse(row.data) as { id: string; version: number; status: string };
      expect(cart.id).toBe(row.id);
      expect(row.version).toBeGreaterThanOrEqual(1);
      expect(['open', 'bought', 'closed']).toContain(cart.status);
      // A final cart's one wake-up is the end of its retention (the 90d default here).
      if (cart.status !== 'open') {
        expect(row.wake_at).toBe(retainUntil(JSON.parse(row.data) as Cart, DEFAULT_POLICY));
      }
    }
    // Every acknowledged event's cart has a row.
    const ids = new Set(rows.map((r) => r.id));
    for (const cartId of dueCarts) expect(ids.has(cartId)).toBe(true);

    const mails = outboxCounts();
    for (const [messageId, count] of mails) expect(count, `${messageId} mailed twice`).toBe(1);
    const recorded = new Map<string, number>();
    for (const row of sent) {
      const step = (JSON.parse(row.detail) as { step: number }).step;
      const key = mailKey(row.cartId, step);
      recorded.set(key, (recorded.get(key) ?? 0) + 1);
      expect(mails.has(key), `recorded send ${key} has no .eml`).toBe(true);
    }
    for (const [key, count] of recorded) expect(count, `${key} recorded twice`).toBe(1);
    const stepOne = stepOneRecords(sent);
    for (const cartId of dueCarts) {
      expect(mails.get(mailKey(cartId, 1)), `${cartId} step 1 .eml`).toBe(1);
      expect(stepOne.get(cartId), `${cartId} step 1 reminder_sent rows`).toBe(1);
    }
    const recovered = sent.filter(
      (row) => (JSON.parse(row.detail) as { recovered?: boolean }).recovered,
    );
    console.info(
      `[crash] ${acked.size} events acknowledged, ${events.size} stored, ${mails.size} mails; ` +
        `claims left at a kill: ${recovered.length} found sent in the outbox and recorded, ` +
        `${released} found unsent and given back; ` +
        `${dueCarts.length} due carts each mailed step 1 once`,
    );
  });
});
