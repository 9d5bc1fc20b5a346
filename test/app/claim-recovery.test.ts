/**
 * A waiter killed between claiming a step and recording it: with a mailer that can tell whether
 * the step's message left, the step ends up sent and recorded exactly once; without one, or while
 * the claim may still be in flight, it is left alone (never twice).
 *
 * The dead waiter is real: a second createWake (another "process") on the same store, whose send
 * lets the mail out or not and then never returns.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createSqliteUnsubscribeList } from '../../src/adapters/sqlite/sqlite-unsubscribe-list.ts';
import { CLAIM_STALE_MS, createWake, type WakeDeps } from '../../src/app/wake.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { reminderMessageId } from '../../src/domain/copy.ts';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { Mailer, OutgoingEmail } from '../../src/ports/mailer.ts';
import { HOUR, makeCart, T0 } from '../support/cart-fixtures.ts';

const policy: Policy = { ...DEFAULT_POLICY, quietHours: null, frequencyCapMs: null };
const STEP1 = reminderMessageId('c_1', 1, 'shop.test');

function compose(cart: Cart, step: number): OutgoingEmail {
  return {
    to: cart.email ?? '',
    from: 'shop@shop.test',
    subject: `step ${step}`,
    text: 'text',
    html: '<p>html</p>',
    headers: {},
    messageId: reminderMessageId(cart.id, step, 'shop.test'),
  };
}

let open: SqliteDatabase[] = [];
afterEach(() => {
  for (const db of open) db.close();
  open = [];
});

/** One store, one clock and one outbox (the message ids that left), shared by every "process". */
async function world() {
  const db = openDatabase({ path: ':memory:' });
  open.push(db);
  const store = createSqliteCartStore(db);
  const clock = createManualClock(T0 + HOUR);
  const outbox: string[] = [];
  const asked: string[] = [];
  const deps = {
    store,
    unsubscribes: createSqliteUnsubscribeList(db),
    wakeups: { async set() {} },
    clock,
    policy,
    compose,
  } satisfies Omit<WakeDeps, 'mailer'>;
  /** The mailer of a live process: sends at once and, like the outbox, can tell what left. */
  const mailer: Mailer & { sent: string[] } = {
    sent: [],
    async send(email) {
      mailer.sent.push(email.messageId);
      outbox.push(email.messageId);
      return { receipt: 'ok' };
    },
    async wasSent(messageId) {
      asked.push(messageId);
      return outbox.includes(messageId);
    },
  };
  await store.save({ cart: makeCart({ id: 'c_1' }), expectedVersion: null, audit: [] });

  /** A process that claims step 1, lets the mail out or not, and is killed before recording. */
  async function dieMidSend(delivered: boolean): Promise<number> {
    let sending: (() => void) | undefined;
    const sendCalled = new Promise<void>((done) => {
      sending = done;
    });
    const dying: Mailer = {
      send(email) {
        if (delivered) outbox.push(email.messageId);
        sending?.();
        return new Promise(() => {});
      },
    };
    void createWake({ ...deps, mailer: dying })('c_1');
    await sendCalled;
    const claimed = await store.get('c_1');
    expect(claimed).toMatchObject({ claimedStep: 1, remindersSent: 0 });
    return claimed?.claimedAt ?? Number.NaN;
  }

  async function sentRows() {
    return (await store.auditFor('c_1')).filter((row) => row.action === 'reminder_sent');
  }
  async function actions() {
    return (await store.auditFor('c_1')).map((row) => `${row.action}:${row.reason}`);
  }
  return { store, clock, outbox, asked, deps, mailer, dieMidSend, sentRows, actions };
}

describe('a claim left by a waiter killed mid-send', () => {
  it('mail that left before the kill is recorded once, dated at the claim, and never resent', async () => {
    const w = await world();
    const claimedAt = await w.dieMidSend(true);
    w.clock.advance(CLAIM_STALE_MS);
    const wake = createWake({ ...w.deps, mailer: w.mailer });
    await wake('c_1');
    w.clock.advance(HOUR);
    await wake('c_1');
    expect(w.mailer.sent).toEqual([]);
    expect(w.outbox).toEqual([STEP1]);
    expect(await w.store.get('c_1')).toMatchObject({
      remindersSent: 1,
      claimedStep: null,
      claimedAt: null,
      firstReminderAt: claimedAt,
      lastReminderAt: claimedAt,
    });
    const rows = await w.sentRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ at: claimedAt, detail: { step: 1, recovered: true } });
  });

  it('mail that never left is sent once after the claim is given back', async () => {
    const w = await world();
    await w.dieMidSend(false);
    w.clock.advance(CLAIM_STALE_MS);
    const wake = createWake({ ...w.deps, mailer: w.mailer });
    await wake('c_1');
    w.clock.advance(HOUR);
    await wake('c_1');
    expect(w.outbox).toEqual([STEP1]);
    expect(await w.actions()).toEqual(['reminder_held:claim_recovered', 'reminder_sent:gate open']);
    expect(await w.store.get('c_1')).toMatchObject({ remindersSent: 1, claimedStep: null });
  });

  it('a claim younger than the stale window is left alone, and looked at again when it goes stale', async () => {
    const w = await world();
    const claimedAt = await w.dieMidSend(false);
    w.clock.advance(CLAIM_STALE_MS - 1);
    const wake = createWake({ ...w.deps, mailer: w.mailer });
    expect(await wake('c_1')).toMatchObject({
      move: { move: 'still_shopping', reason: 'claimed' },
    });
    expect(w.asked).toEqual([]);
    expect(w.outbox).toEqual([]);
    expect(await w.store.get('c_1')).toMatchObject({
      claimedStep: 1,
      wakeAt: claimedAt + CLAIM_STALE_MS,
    });
    w.clock.advance(1);
    await wake('c_1');
    expect(w.outbox).toEqual([STEP1]);
  });

  it('a mailer that cannot tell (SMTP, SES) leaves the claim: the step stays unsent', async () => {
    const w = await world();
    await w.dieMidSend(false);
    w.clock.advance(10 * CLAIM_STALE_MS);
    const { wasSent: _cannotTell, ...smtpLike } = w.mailer;
    await createWake({ ...w.deps, mailer: smtpLike })('c_1');
    expect(w.outbox).toEqual([]);
    expect(await w.store.get('c_1')).toMatchObject({ claimedStep: 1, remindersSent: 0 });
  });

  it('a mailer that fails to answer leaves the claim as it was', async () => {
    const w = await world();
    await w.dieMidSend(false);
    w.clock.advance(CLAIM_STALE_MS);
    const mailer: Mailer = {
      send: w.mailer.send,
      async wasSent() {
        throw new Error('outbox unreadable');
      },
    };
    await expect(createWake({ ...w.deps, mailer })('c_1')).rejects.toThrow('outbox unreadable');
    expect(w.outbox).toEqual([]);
    expect(await w.store.get('c_1')).toMatchObject({ claimedStep: 1, remindersSent: 0 });
  });

  it('the sole sender recovers a claim from before its start at once, without the stale wait', async () => {
    const w = await world();
    await w.dieMidSend(false);
    w.clock.advance(5_000);
    await createWake({ ...w.deps, mailer: w.mailer, soleSenderSince: w.clock.now() })('c_1');
    expect(w.outbox).toEqual([STEP1]);
  });

  it('a send still in flight in this process is never second-guessed, whatever the clocks say', async () => {
    const w = await world();
    let release: (() => void) | undefined;
    const slow: Mailer = {
      // The first send hangs until released; any other goes straight out.
      async send(email) {
        if (release === undefined) {
          await new Promise<void>((done) => {
            release = done;
          });
        }
        return w.mailer.send(email);
      },
      wasSent: w.mailer.wasSent,
    };
    // A start time after the claim, as when the wall clock is stepped back below it.
    const wake = createWake({ ...w.deps, mailer: slow, soleSenderSince: T0 + 2 * HOUR });
    const first = wake('c_1');
    for (let i = 0; i < 100 && release === undefined; i++) await new Promise(setImmediate);
    w.clock.advance(10 * CLAIM_STALE_MS);
    expect(await wake('c_1')).toMatchObject({
      move: { move: 'still_shopping', reason: 'claimed' },
    });
    release?.();
    await first;
    expect(w.asked).toEqual([]);
    expect(w.outbox).toEqual([STEP1]);
    expect(await w.sentRows()).toHaveLength(1);
  });

  it('a waiter too slow, not dead: recovery records its step, and its late return adds nothing', async () => {
    const w = await world();
    let finish: (() => void) | undefined;
    const returned = new Promise<void>((done) => {
      finish = done;
    });
    let sendCalled: (() => void) | undefined;
    const called = new Promise<void>((done) => {
      sendCalled = done;
    });
    const slow: Mailer = {
      async send(email) {
        w.outbox.push(email.messageId);
        sendCalled?.();
        await returned;
        return { receipt: 'late' };
      },
    };
    const slowWake = createWake({ ...w.deps, mailer: slow })('c_1');
    await called;
    w.clock.advance(CLAIM_STALE_MS);
    await createWake({ ...w.deps, mailer: w.mailer })('c_1');
    finish?.();
    await slowWake;
    expect(w.outbox).toEqual([STEP1]);
    expect(await w.sentRows()).toHaveLength(1);
    expect(await w.store.get('c_1')).toMatchObject({ remindersSent: 1, claimedStep: null });
  });
});

describe('recovery under duplicate wake-ups', () => {
  it('whatever the kill left and however many waiters recover at once: one mail, one record', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        async (delivered, waiters, soleSender) => {
          const w = await world();
          await w.dieMidSend(delivered);
          w.clock.advance(soleSender ? 1 : CLAIM_STALE_MS);
          const since = soleSender ? w.clock.now() : undefined;
          // Separate processes waking the same cart at once (a duplicate timer, two loops).
          const wakes = Array.from({ length: waiters }, () =>
            createWake({ ...w.deps, mailer: w.mailer, soleSenderSince: since }),
          );
          await Promise.all(wakes.map((wake) => wake('c_1')));
          w.clock.advance(HOUR);
          await Promise.all(wakes.map((wake) => wake('c_1')));
          expect(w.outbox).toEqual([STEP1]);
          expect(await w.sentRows()).toHaveLength(1);
          expect(await w.store.get('c_1')).toMatchObject({ remindersSent: 1, claimedStep: null });
        },
      ),
      { numRuns: 40 },
    );
  });
});
