/**
 * Start-up recovery on SQLite: a fresh process holds no leases and no send in flight, so
 * recoverAfterRestart brings forward every wake-up a killed process left leased or claimed, and
 * the restarted local runtime settles a dead step claim at once from the outbox. The clock here
 * never moves, so nothing is due "by waiting": only recovery can make these carts wake.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxMailer } from '../../src/adapters/outbox/outbox-mailer.ts';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { createManualClock, type ManualClock } from '../../src/ports/clock.ts';
import type { Mailer } from '../../src/ports/mailer.ts';
import { HOUR, makeCart, T0 } from '../support/cart-fixtures.ts';
import { eventually } from '../support/serve-child.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-restart-'));
  dirs.push(dir);
  return dir;
}

describe('SqliteCartStore.recoverAfterRestart', () => {
  it('brings forward leased and claimed wake-ups, and nothing else', async () => {
    const path = join(tempDir(), 'db.sqlite');
    const now = T0 + 2 * HOUR;
    const killed = openDatabase({ path });
    const before = createSqliteCartStore(killed);
    const seed = [
      makeCart({ id: 'leased', wakeAt: now - 1 }),
      makeCart({ id: 'claimed', claimedStep: 1, claimedAt: now - 10, wakeAt: now + 50_000 }),
      makeCart({ id: 'claimed_overdue', claimedStep: 1, claimedAt: now - 10, wakeAt: now - 5 }),
      makeCart({ id: 'bought_claim', status: 'bought', claimedStep: 1, wakeAt: null }),
      makeCart({ id: 'future', wakeAt: now + 30_000 }),
      makeCart({ id: 'far', wakeAt: now + 24 * HOUR }),
    ];
    for (const cart of seed) await before.save({ cart, expectedVersion: null, audit: [] });
    // The killed loop had leased the one due cart; its wake-up never saved.
    expect(before.claimDue(now, 10, 60_000)).toEqual(['claimed_overdue', 'leased']);
    killed.close();

    const db = openDatabase({ path });
    try {
      const store = createSqliteCartStore(db);
      // claimed_overdue was leased too, but its claim already made it due now.
      expect(store.recoverAfterRestart(now)).toBe(3);
      const wakeAt = async (id: string) => (await store.get(id))?.wakeAt;
      expect(await wakeAt('leased')).toBe(now);
      expect(await wakeAt('claimed')).toBe(now);
      expect(await wakeAt('claimed_overdue')).toBe(now);
      expect(await wakeAt('bought_claim')).toBeNull();
      expect(await wakeAt('future')).toBe(now + 30_000);
      expect(await wakeAt('far')).toBe(now + 24 * HOUR);
      expect(store.claimDue(now, 10, 60_000).sort()).toEqual([
        'claimed',
        'claimed_overdue',
        'leased',
      ]);
      // Done twice (a second start), it finds the new leases of a process that is gone too.
      expect(store.recoverAfterRestart(now)).toBe(3);
    } finally {
      db.close();
    }
  });

  it('finds claims through the carts_claimed_step index, not by reading every row', () => {
    const db = openDatabase({ path: ':memory:' });
    try {
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN UPDATE carts SET wake_at = 1
           WHERE status = 'open' AND claimed_step IS NOT NULL
             AND (wake_at IS NULL OR wake_at > 1)`,
        )
        .all() as Array<{ detail: string }>;
      expect(plan.map((row) => row.detail).join(' ')).toContain('carts_claimed_step');
    } finally {
      db.close();
    }
  });
});

describe('local runtime restarted after a kill mid-send', () => {
  const SECRET = 'whsec_restart_recovery_0123456789';

  function openRuntime(dataDir: string, clock: ManualClock, mailer?: Mailer) {
    const config = parseConfig({
      CR_DATA_DIR: dataDir,
      CR_WEBHOOK_SECRET: SECRET,
      CR_OWNERS: 'sam:own_restart_recovery_0123456789',
      CR_QUIET_HOURS: 'off',
      CR_FREQUENCY_CAP: 'off',
    });
    return openLocalRuntime(config, { clock, mailer });
  }

  for (const delivered of [true, false]) {
    it(`${delivered ? 'mail out before the kill' : 'mail not out'}: step 1 ends up mailed and recorded once`, async () => {
      const dataDir = tempDir();
      const outboxDir = join(dataDir, 'outbox');
      const start = Date.parse('2026-11-23T10:00:00Z');
      const outbox = createOutboxMailer({ dir: outboxDir });
      let sendCalled: (() => void) | undefined;
      const reachedSend = new Promise<void>((done) => {
        sendCalled = done;
      });
      // The killed process: its send writes the .eml (or not), then the process is gone.
      const dying: Mailer = {
        async send(email) {
          if (delivered) await outbox.send(email);
          sendCalled?.();
          return new Promise(() => {});
        },
      };
      const clock = createManualClock(start);
      const killed = openRuntime(dataDir, clock, dying);
      const body = JSON.stringify(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
      expect((await killed.app.request('/events', signedRequest(SECRET, body, start))).status).toBe(
        200,
      );
      const due = start + HOUR;
      clock.set(due);
      // The loop leases the wake-up for a minute, the waiter claims step 1 and calls send.
      void killed.loop.drain();
      await reachedSend;
      killed.db.close();

      // Five seconds later, inside both the lease and the stale window, on a clock that stays put:
      // only start-up recovery can make this cart wake.
      const restarted = openRuntime(dataDir, createManualClock(due + 5_000));
      restarted.loop.start();
      try {
        const cart = await eventually('the claim to be settled', 20_000, async () => {
          const row = await restarted.store.get('c_42');
          return row !== null && row.remindersSent === 1 && row.claimedStep === null
            ? row
            : undefined;
        });
        expect(cart.claimedAt).toBeNull();
      } finally {
        await restarted.close();
      }
      const emls = readdirSync(outboxDir).filter((name) => name.endsWith('.eml'));
      expect(emls).toHaveLength(1);
      const reopened = openRuntime(dataDir, createManualClock(due + 5_000));
      try {
        const audit = await reopened.store.auditFor('c_42');
        const sent = audit.filter((row) => row.action === 'reminder_sent');
        expect(sent).toHaveLength(1);
        expect(sent[0]?.detail?.recovered ?? false).toBe(delivered);
        expect(audit.some((row) => row.reason === 'claim_recovered')).toBe(!delivered);
      } finally {
        await reopened.close();
      }
    });
  }
});
