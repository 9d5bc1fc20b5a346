/**
 * A cart that expired and came back starts a new reminder sequence. Its Message-IDs must differ
 * from the old sequence's, or claim recovery after a crash mid-send finds the old sequence's
 * step-1 file in the outbox and records a reminder that never went out. Real SQLite and outbox;
 * the clock is manual, so only start-up recovery can make the cart wake after the restart.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxMailer } from '../../src/adapters/outbox/outbox-mailer.ts';
import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { createManualClock, type ManualClock } from '../../src/ports/clock.ts';
import type { Mailer } from '../../src/ports/mailer.ts';
import { HOUR } from '../support/cart-fixtures.ts';
import { eventually } from '../support/serve-child.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

const SECRET = 'whsec_reopened_sequence_0123456789';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openRuntime(dataDir: string, clock: ManualClock, mailer?: Mailer) {
  const config = parseConfig({
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: SECRET,
    CR_OWNERS: 'sam:own_reopened_sequence_0123456789',
    CR_CADENCE: '1h',
    CR_GIVE_UP_AFTER: '3h',
    CR_QUIET_HOURS: 'off',
    CR_FREQUENCY_CAP: 'off',
  });
  return openLocalRuntime(config, { clock, mailer });
}

function messageIds(outboxDir: string): string[] {
  return readdirSync(outboxDir)
    .filter((name) => name.endsWith('.eml'))
    .map((name) => /^Message-ID:\s*(<[^>]+>)/im.exec(readFileSync(join(outboxDir, name), 'utf8')))
    .map((match) => match?.[1] ?? '')
    .sort();
}

async function post(runtime: ReturnType<typeof openRuntime>, id: string, at: number) {
  const body = JSON.stringify(cartEvent({ id, occurredAt: new Date(at).toISOString() }));
  const res = await runtime.app.request('/events', signedRequest(SECRET, body, at));
  expect(res.status).toBe(200);
}

describe('a reopened cart, killed mid-send of its new step 1', () => {
  it('gets a new Message-ID, and recovery sends it instead of taking the old sequence file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cr-reopen-'));
    dirs.push(dataDir);
    const outboxDir = join(dataDir, 'outbox');
    const start = Date.parse('2026-11-23T10:00:00Z');
    const clock = createManualClock(start);

    // The first sequence: step 1 goes out, then the cart is let go.
    const first = openRuntime(dataDir, clock);
    await post(first, 'evt_1', start);
    clock.set(start + HOUR);
    await first.loop.drain();
    clock.set(start + 4 * HOUR);
    await first.loop.drain();
    expect((await first.store.get('c_42'))?.closedReason).toBe('expired');
    await first.close();
    const [oldId] = messageIds(outboxDir);
    expect(oldId).toBeDefined();

    // The shopper comes back: a new sequence, whose step 1 the process dies sending.
    const back = start + 5 * HOUR;
    clock.set(back);
    let reachedSend = () => {};
    const sending = new Promise<void>((done) => {
      reachedSend = done;
    });
    const dying: Mailer = {
      send() {
        reachedSend();
        return new Promise(() => {});
      },
      wasSent: (id) =>
        createOutboxMailer({ dir: outboxDir }).wasSent?.(id) ?? Promise.resolve(false),
    };
    const killed = openRuntime(dataDir, clock, dying);
    await post(killed, 'evt_2', back);
    expect((await killed.store.get('c_42'))?.status).toBe('open');
    clock.set(back + HOUR);
    void killed.loop.drain();
    await sending;
    killed.db.close();

    const restarted = openRuntime(dataDir, createManualClock(back + HOUR + 5_000));
    restarted.loop.start();
    try {
      await eventually('the new step 1 to be settled', 20_000, async () => {
        const row = await restarted.store.get('c_42');
        return row?.remindersSent === 1 && row.claimedStep === null ? true : undefined;
      });
      const audit = await restarted.store.auditFor('c_42');
      const sent = audit.filter((row) => row.action === 'reminder_sent');
      expect(sent).toHaveLength(2);
      // Not "found in the outbox": the only step-1 file there was the old sequence's.
      expect(sent[1]?.detail?.recovered ?? false).toBe(false);
      const ids = messageIds(outboxDir);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
      expect(sent[1]?.detail?.messageId).not.toBe(oldId);
    } finally {
      await restarted.close();
    }
  });
});
