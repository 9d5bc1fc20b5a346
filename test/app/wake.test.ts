import { afterEach, describe, expect, it } from 'vitest';
import { openTestRuntime } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

const H = 3_600_000;
let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

const at = (iso: string) => Date.parse(iso);
const actions = async (cartId: string) =>
  (await rt.store.auditFor(cartId)).map(
    (row) => `${row.action}${row.reason ? `:${row.reason}` : ''}`,
  );

describe('wake: the sequence of an abandoned cart', () => {
  it('sends step 1, 2 and 3 at 1 h, 24 h and 72 h after last activity, then lets it go at 7 days', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(7 * 24 * H + H, 5 * 60_000);
    expect(rt.mailer.sent.map((m) => m.sentAt - at('2026-11-23T10:00:00Z'))).toEqual([
      1 * H,
      24 * H,
      72 * H,
    ]);
    expect(rt.mailer.sent.every((m) => m.to === 'sam@example.com')).toBe(true);
    const cart = await rt.store.get('c_42');
    expect(cart).toMatchObject({
      status: 'closed',
      closedReason: 'expired',
      remindersSent: 3,
    });
    // Its one wake-up is now the end of its retention (CR_RETAIN_CARTS, 90 days).
    expect(cart?.wakeAt).toBe(Number(cart?.closedAt) + 90 * 24 * H);
    expect(cart?.abandonedAt).toBe(at('2026-11-23T11:00:00Z'));
    expect(await actions('c_42')).toEqual([
      'reminder_sent:gate open',
      'reminder_sent:gate open',
      'reminder_sent:gate open',
      'expired:all_steps_sent',
    ]);
    const steps = (await rt.store.auditFor('c_42'))
      .filter((r) => r.action === 'reminder_sent')
      .map((r) => r.detail?.step);
    expect(steps).toEqual([1, 2, 3]);
  });

  it('a shopper still adding items pushes the first reminder back', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ id: 'e1', occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(50 * 60_000);
    await rt.post(cartEvent({ id: 'e2', occurredAt: '2026-11-23T10:50:00Z' }));
    await rt.advance(50 * 60_000);
    expect(rt.mailer.sent).toHaveLength(0);
    await rt.advance(20 * 60_000);
    expect(rt.mailer.sent.map((m) => m.sentAt)).toEqual([at('2026-11-23T11:50:00Z')]);
  });
});

describe('wake: no mail after a stop', () => {
  it('a checkout that raced its wake-up: the late wake-up sends nothing', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    rt.clock.set(at('2026-11-23T11:00:00Z'));
    await rt.post(
      cartEvent({ id: 'co', type: 'cart.checked_out', occurredAt: '2026-11-23T10:59:59Z' }),
    );
    const report = await rt.wake('c_42'); // the timer fired anyway
    expect(report).toMatchObject({
      kind: 'moved',
      move: { move: 'still_shopping', reason: 'bought' },
    });
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
    // No reminder wake-up is left: the only one is the end of its retention, from the purchase.
    expect((await rt.store.get('c_42'))?.wakeAt).toBe(at('2026-11-23T10:59:59Z') + 90 * 24 * H);
  });

  it('a purchase after reminder 1 stops the sequence and counts as recovered', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(2 * H);
    expect(rt.mailer.sent).toHaveLength(1);
    await rt.post(
      cartEvent({ id: 'co', type: 'cart.checked_out', occurredAt: '2026-11-23T12:00:00Z' }),
    );
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(1);
    expect((await rt.store.get('c_42'))?.recoveredAt).toBe(at('2026-11-23T12:00:00Z'));
  });

  it('suppress, write-off and unsubscribe each stop mail, with the owner named in the audit', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ id: 'a', cart: { id: 'c_1', email: 'a@example.com' } }));
    await rt.post(cartEvent({ id: 'b', cart: { id: 'c_2', email: 'b@example.com' } }));
    await rt.post(cartEvent({ id: 'c', cart: { id: 'c_3', email: 'c@example.com' } }));
    await rt.stops.suppress('c_1', 'sam');
    await rt.stops.writeOff('c_2', 'alex', 'test order');
    await rt.stops.unsubscribe('c@example.com', 'sam');
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
    expect(await actions('c_1')).toEqual(['suppress']);
    expect((await rt.store.auditFor('c_2'))[0]).toMatchObject({
      action: 'write_off',
      actor: 'alex',
      reason: 'test order',
    });
    // Unsubscribing parks the address's open carts until their give-up time: no reminder
    // wake-ups remain, and the cart closes as expired instead of lingering open.
    expect(await actions('c_3')).toEqual(['expired:gave_up']);
    expect((await rt.store.auditForEmail('c@example.com'))[0]).toMatchObject({
      action: 'unsubscribe',
      actor: 'sam',
    });
  });

  it('an unsubscribe reaches carts created later too', async () => {
    rt = openTestRuntime();
    await rt.stops.unsubscribe('sam@example.com', 'sam');
    await rt.post(cartEvent());
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
  });
});

describe('wake: at most one send per step', () => {
  it('two waiters waking the same cart at once send step 1 once', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    rt.clock.set(at('2026-11-23T11:00:00Z'));
    const reports = await Promise.all([rt.wake('c_42'), rt.wake('c_42'), rt.wake('c_42')]);
    expect(rt.mailer.sent).toHaveLength(1);
    expect(reports.filter((r) => r.kind === 'moved' && r.move.move === 'nudge')).toHaveLength(1);
    expect((await rt.store.get('c_42'))?.remindersSent).toBe(1);
  });

  it('a step claimed by a waiter that died before recording it is never sent again', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    const cart = await rt.store.get('c_42');
    if (cart === null) throw new Error('no cart');
    // The dead waiter's claim, exactly as wake.ts writes it before sending.
    await rt.store.save({
      cart: { ...cart, claimedStep: 1 },
      expectedVersion: cart.version,
      audit: [],
    });
    await rt.advance(30 * H, H);
    expect(rt.mailer.sent.map((m) => m.subject.length > 0 && m.messageId)).toHaveLength(1);
    expect(rt.mailer.sent[0]?.messageId).toContain('.2@');
  });

  it('a failed send gives the step back and retries it later, once', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    rt.mailer.failWith = new Error('smtp down');
    await rt.advance(H + 60_000);
    expect(rt.mailer.sent).toHaveLength(0);
    expect(await actions('c_42')).toEqual(['reminder_held:send_failed']);
    rt.mailer.failWith = null;
    await rt.advance(20 * 60_000);
    expect(rt.mailer.sent).toHaveLength(1);
    expect(rt.mailer.sent[0]?.messageId).toContain('.1@');
  });
});

describe('wake: the gate', () => {
  it('waits out quiet hours in the shopper zone and sends when they end', async () => {
    rt = openTestRuntime({ CR_QUIET_HOURS: '21:00-08:00' });
    // 21:30 in Paris (UTC+1): step 1 comes due at 22:30 Paris, inside quiet hours. The clock
    // is there first: an event from the server's future is refused.
    rt.clock.set(at('2026-11-23T20:30:00Z'));
    await rt.post(
      cartEvent({ occurredAt: '2026-11-23T20:30:00Z', cart: { timezone: 'Europe/Paris' } }),
    );
    await rt.advance(14 * H, 10 * 60_000);
    expect(rt.mailer.sent.map((m) => new Date(m.sentAt).toISOString())).toEqual([
      '2026-11-24T07:00:00.000Z',
    ]);
    expect(await actions('c_42')).toEqual(['reminder_held:quiet_hours', 'reminder_sent:gate open']);
  });

  it('the frequency cap holds the second cart of one address; only the newest open cart is chased', async () => {
    rt = openTestRuntime({ CR_FREQUENCY_CAP: '20h' });
    await rt.post(
      cartEvent({ id: 'a', occurredAt: '2026-11-23T10:00:00Z', cart: { id: 'c_old' } }),
    );
    await rt.advance(H + 60_000);
    expect(rt.mailer.sent).toHaveLength(1);
    // To 11:30, when the second cart is filled (an event from the server's future is refused).
    await rt.advance(at('2026-11-23T11:30:00Z') - rt.clock.now());
    await rt.post(
      cartEvent({ id: 'b', occurredAt: '2026-11-23T11:30:00Z', cart: { id: 'c_new' } }),
    );
    await rt.advance(3 * H);
    expect(rt.mailer.sent).toHaveLength(1); // capped until 20 h after the first send
    expect(await actions('c_new')).toEqual(['reminder_held:frequency_cap']);
    await rt.advance(24 * H, 10 * 60_000);
    const byCart = rt.mailer.sent.map((m) => m.messageId.split('.')[1]);
    expect(rt.mailer.sent).toHaveLength(2);
    const held = (await rt.store.auditFor('c_new')).find((r) => r.action === 'reminder_held');
    expect(held?.detail?.until).toBe(at('2026-11-24T07:00:00Z')); // 20 h after the first send
    // Sent at the first look after the cap ends (the test clock moves in 10-minute steps).
    expect(rt.mailer.sent[1]?.sentAt).toBeGreaterThanOrEqual(at('2026-11-24T07:00:00Z'));
    expect(rt.mailer.sent[1]?.sentAt).toBeLessThan(at('2026-11-24T07:10:00Z'));
    expect(byCart[0]).not.toBe(byCart[1]);
    expect((await actions('c_old')).filter((a) => a.startsWith('skipped'))).toEqual([
      'skipped:older_cart',
    ]);
  });

  it('consent false is never mailed when the store requires consent', async () => {
    rt = openTestRuntime({ CR_REQUIRE_CONSENT: 'true' });
    await rt.post(cartEvent({ cart: { consent: false } }));
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
    expect((await actions('c_42'))[0]).toBe('skipped:no_consent');
  });

  it('a held-out cart gets no mail and is audited as holdout', async () => {
    rt = openTestRuntime({ CR_HOLDOUT: '100%' });
    await rt.post(cartEvent());
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
    expect(await actions('c_42')).toEqual(['skipped:holdout', 'expired:gave_up']);
  });
});

describe('wake: an expired cart that comes back', () => {
  it('opens again with a fresh sequence', async () => {
    rt = openTestRuntime({ CR_CADENCE: '1h', CR_GIVE_UP_AFTER: '2h' });
    await rt.post(cartEvent({ id: 'e1', occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.advance(3 * H);
    expect((await rt.store.get('c_42'))?.closedReason).toBe('expired');
    await rt.post(cartEvent({ id: 'e2', occurredAt: '2026-11-23T13:00:00Z' }));
    expect((await rt.store.get('c_42'))?.status).toBe('open');
    await rt.advance(2 * H);
    expect(rt.mailer.sent).toHaveLength(2);
  });
});
