/**
 * GET /metrics (SPEC section 7): Prometheus text behind Bearer CR_METRICS_TOKEN, 404 without the
 * variable, 401 with a wrong token; counters that move with what happened, gauges read on scrape.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MailDeliveryError } from '../../src/ports/mailer.ts';
import { openTestRuntime } from '../support/runtime.ts';
import { cartEvent, signedRequest } from '../support/signed-event.ts';

const TOKEN = 'metrics_token_0123456789abcdef';
const H = 3_600_000;
let rt: ReturnType<typeof openTestRuntime> | undefined;
afterEach(async () => {
  await rt?.shutdown();
  rt = undefined;
});

async function scrape(token: string | null = TOKEN) {
  if (rt === undefined) throw new Error('no runtime');
  const headers: Record<string, string> =
    token === null ? {} : { authorization: `Bearer ${token}` };
  return rt.app.request('/metrics', { headers });
}

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('after an accepted and a rejected event and a sent reminder, the counters have moved', async () => {
    rt = openTestRuntime({ CR_METRICS_TOKEN: TOKEN });
    const before = await (await scrape()).text();
    expect(sample(before, 'cart_recovery_events_accepted_total{lane="events"}')).toBe(0);
    expect(sample(before, 'cart_recovery_reminders_sent_total{step="1"}')).toBeUndefined();

    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    const unsigned = await rt.app.request(
      '/events',
      signedRequest(
        'whsec_someone_else_012345',
        JSON.stringify(cartEvent({ id: 'e2' })),
        rt.clock.now(),
      ),
    );
    expect(unsigned.status).toBe(401);
    // Due at 11:00; the loop looks every 7 minutes here, so it goes at 11:03, 180 s late.
    await rt.advance(H + 7 * 60_000, 7 * 60_000);
    expect(rt.mailer.sent).toHaveLength(1);

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'cart_recovery_events_accepted_total{lane="events"}')).toBe(1);
    expect(
      sample(text, 'cart_recovery_events_rejected_total{lane="events",reason="unauthorized"}'),
    ).toBe(1);
    expect(sample(text, 'cart_recovery_reminders_sent_total{step="1"}')).toBe(1);
    expect(sample(text, 'cart_recovery_reminder_lateness_seconds_count')).toBe(1);
    expect(rt.mailer.sent[0]?.sentAt).toBe(Date.parse('2026-11-23T11:03:00Z'));
    expect(sample(text, 'cart_recovery_reminder_lateness_seconds_sum')).toBe(180);
    expect(sample(text, 'cart_recovery_reminder_lateness_seconds_bucket{le="60"}')).toBe(0);
    expect(sample(text, 'cart_recovery_reminder_lateness_seconds_bucket{le="300"}')).toBe(1);
    expect(sample(text, 'cart_recovery_sqlite_bytes{file="database"}')).toBeGreaterThan(0);
    expect(text).not.toContain('c_42');
  });

  it('counts due carts the loop has not run yet, read from the store on each scrape', async () => {
    rt = openTestRuntime({ CR_METRICS_TOKEN: TOKEN });
    await rt.post(cartEvent({ id: 'a', occurredAt: '2026-11-23T10:00:00Z', cart: { id: 'c_1' } }));
    await rt.post(cartEvent({ id: 'b', occurredAt: '2026-11-23T10:00:00Z', cart: { id: 'c_2' } }));
    const due = async () => sample(await (await scrape()).text(), 'cart_recovery_due_carts');
    expect(await due()).toBe(0);
    rt.clock.set(Date.parse('2026-11-23T11:00:00Z')); // both due, the loop not yet run
    expect(await due()).toBe(2);
    await rt.loop.drain();
    expect(await due()).toBe(0);
  });

  it('counts a permanently failed send apart from a temporary one', async () => {
    rt = openTestRuntime({ CR_METRICS_TOKEN: TOKEN });
    await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
    rt.mailer.failWith = new MailDeliveryError('451 later', { permanent: false, kind: 'rejected' });
    await rt.advance(H + 60_000);
    rt.mailer.failWith = new MailDeliveryError('550 gone', { permanent: true, kind: 'rejected' });
    await rt.advance(20 * 60_000);
    const text = await (await scrape()).text();
    const failed = (kind: string) =>
      sample(text, `cart_recovery_reminders_failed_total{step="1",kind="${kind}"}`);
    expect([failed('transient'), failed('permanent')]).toEqual([1, 1]);
  });

  it('answers 404 without CR_METRICS_TOKEN, and 401 without or with a wrong token', async () => {
    rt = openTestRuntime();
    expect((await scrape()).status).toBe(404);
    await rt.shutdown();
    rt = openTestRuntime({ CR_METRICS_TOKEN: TOKEN });
    const wrong = await scrape('metrics_token_0123456789abcdeX');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await wrong.text()).not.toContain('cart_recovery_');
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape(TOKEN)).status).toBe(200);
  });

  it('two apps in one process count apart (each has its own registry)', async () => {
    rt = openTestRuntime({ CR_METRICS_TOKEN: TOKEN });
    const other = openTestRuntime({ CR_METRICS_TOKEN: TOKEN });
    try {
      await other.post(cartEvent());
      const mine = await (await scrape()).text();
      expect(sample(mine, 'cart_recovery_events_accepted_total{lane="events"}')).toBe(0);
      const theirs = await other.app.request('/metrics', {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const text = await theirs.text();
      expect(sample(text, 'cart_recovery_events_accepted_total{lane="events"}')).toBe(1);
    } finally {
      await other.shutdown();
    }
  });
});
