/**
 * CR_RETAIN_CARTS in the local runtime, as `serve` runs it: the SQLite timer loop fires the
 * retention wake-up of a bought cart and the row becomes a tombstone; the purchase rows go with
 * it; the nightly sweep deletes audit rows older than 400 days and leaves the unsubscribe list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_RETAIN_MS } from '../../src/domain/retention.ts';
import { openTestRuntime } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

const H = 3_600_000;
const DAY = 24 * H;
let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

const start = Date.parse('2026-11-23T10:00:00Z');
const rowText = (id: string) =>
  (rt.db.prepare('SELECT data FROM carts WHERE id = ?').get(id) as { data: string }).data;
const purchases = () => rt.db.prepare('SELECT email, cart_id FROM purchases').all();

describe('retention in the local runtime', () => {
  it('the timer loop shrinks a bought cart at 90 days, and a late event then mails nothing', async () => {
    rt = openTestRuntime({}, start);
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    rt.clock.set(start + H / 2);
    await rt.post(
      cartEvent({ id: 'co', type: 'cart.checked_out', occurredAt: '2026-11-23T10:30:00Z' }),
    );
    const email = (await rt.store.get('c_42'))?.email ?? '';
    expect(email).not.toBe('');
    expect(purchases()).toEqual([{ email, cart_id: 'c_42' }]);

    await rt.advance(90 * DAY - H, DAY);
    expect((await rt.store.get('c_42'))?.email).toBe(email);
    await rt.advance(2 * DAY, H);
    const tomb = await rt.store.get('c_42');
    expect(tomb).toMatchObject({ status: 'bought', email: null, items: [], wakeAt: null });
    expect(tomb?.tombstone?.at).toBe(start + H / 2 + 90 * DAY);
    expect(rowText('c_42')).not.toContain(email);
    expect(rt.db.prepare('SELECT wake_at FROM carts WHERE id = ?').get('c_42')).toEqual({
      wake_at: null,
    });
    expect(purchases()).toEqual([]);

    await rt.post(cartEvent({ id: 'late', occurredAt: '2026-11-23T11:00:00Z' }));
    await rt.advance(10 * DAY, H);
    expect(await rt.store.get('c_42')).toEqual(tomb);
    expect(rt.mailer.sent).toEqual([]);
  });

  it('the nightly sweep deletes audit rows older than 400 days and keeps the unsubscribe list', async () => {
    rt = openTestRuntime({}, start);
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    await rt.stops.unsubscribe('sam@example.com', 'sam');
    rt.clock.set(start + 300 * DAY);
    await rt.stops.suppress('c_42', 'sam', 'asked by phone');
    const actions = async () => (await rt.store.auditFor('c_42')).map((r) => r.action);
    const before = await rt.store.auditForEmail('sam@example.com');
    expect(before.map((r) => r.action)).toEqual(['unsubscribe', 'suppress']);

    const deleted = rt.store.deleteAuditBefore(start + 401 * DAY - AUDIT_RETAIN_MS);
    expect(deleted).toBe(1);
    const byEmail = await rt.store.auditForEmail('sam@example.com');
    expect(byEmail.map((r) => r.action)).toEqual(['suppress']);
    expect(await actions()).toEqual(['suppress']);
    expect(await rt.unsubscribes.get('sam@example.com')).toMatchObject({ kind: 'unsubscribed' });
  });
});
