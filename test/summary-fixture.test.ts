/**
 * The monthly summary over a month built through the real intake and waiter (signed events,
 * wake-ups run by the loop, owner stops over the API, a real click), checked number by number
 * against cases small enough to count by hand. The same numbers must come out of the owner API
 * and `cart-recovery summary --json`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.ts';
import type { SummaryJson } from '../src/domain/summary-format.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from './support/runtime.ts';
import { cartEvent } from './support/signed-event.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Nov 2, 2026, 00:00 UTC: everything below happens in November. */
const T = Date.parse('2026-11-02T00:00:00Z');

type Runtime = ReturnType<typeof openTestRuntime>;
const open: Runtime[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const rt of open.splice(0)) await rt.shutdown();
});

function envFor(dataDir: string, extra: Record<string, string>): Record<string, string> {
  // The same settings openTestRuntime uses, so the CLI opens the same store the same way.
  return {
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: RT_SECRET,
    CR_OWNERS: `sam:${RT_OWNER}`,
    CR_QUIET_HOURS: 'off',
    CR_FREQUENCY_CAP: 'off',
    ...extra,
  };
}

async function runCli(argv: string[], env: Record<string, string>) {
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(argv, env);
    return { code, stdout };
  } finally {
    spy.mockRestore();
  }
}

let eventSeq = 0;
function helpers(rt: Runtime) {
  const iso = () => new Date(rt.clock.now()).toISOString();
  return {
    async update(id: string, cart: Record<string, unknown> = {}) {
      eventSeq += 1;
      await rt.post(
        cartEvent({
          id: `evt_${eventSeq}`,
          occurredAt: iso(),
          cart: {
            id,
            email: `${id}@example.com`,
            restoreUrl: `https://shop.example/cart/${id}`,
            ...cart,
          },
        }),
      );
    },
    async buy(id: string, cart: Record<string, unknown> = {}) {
      eventSeq += 1;
      await rt.post(
        cartEvent({
          id: `evt_${eventSeq}`,
          type: 'cart.checked_out',
          occurredAt: iso(),
          orderId: `order_${id}`,
          cart: { id, email: `${id}@example.com`, ...cart },
        }),
      );
    },
    /** Runs the clock up to T + offset in 5-minute steps, running due wake-ups as the loop would. */
    async until(offset: number) {
      const ms = T + offset - rt.clock.now();
      if (ms > 0) await rt.advance(ms, 5 * MINUTE);
    },
    async owner(path: string, body: unknown) {
      const res = await rt.app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${RT_OWNER}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    },
    sentTo(id: string) {
      return rt.mailer.sent.filter((m) => m.to === `${id}@example.com`);
    },
  };
}

/** The numbers both the API and the CLI must agree on. */
function headline(s: SummaryJson) {
  return {
    cartsSeen: s.cartsSeen,
    cartsWithEmail: s.cartsWithEmail,
    abandoned: s.abandoned,
    remindersSent: s.remindersSent,
    clicked: s.clicked,
    recovered: s.recovered,
    recoveredRevenue: s.recoveredRevenue,
    recoveryRate: s.recoveryRate,
    writtenOff: s.writtenOff,
    suppressed: s.suppressed,
    unsubscribed: s.unsubscribed,
    bounced: s.bounced,
    expired: s.expired,
  };
}

describe('a fixture month through the real intake and waiter', () => {
  it('counts every case by hand, and the API and the CLI agree', async () => {
    // Two steps (1 h, 1 d after last activity), give up after 10 days, no gate delays.
    const extra = { CR_CADENCE: '1h,1d', CR_GIVE_UP_AFTER: '10d' };
    const rt = openTestRuntime(extra, T);
    open.push(rt);
    const h = helpers(rt);

    // T: ten carts form. n1 never gets an email address.
    for (const id of ['a1', 'a2', 'r1', 'l1', 'w1', 's1', 'u1', 'e1']) await h.update(id);
    await h.update('r2', { total: '20.00' });
    await h.update('n1', { email: undefined });
    // T+30m: a1 and a2 are bought before any reminder is due: never abandoned.
    await h.until(30 * MINUTE);
    await h.buy('a1');
    await h.buy('a2');
    // T+1h: step 1 comes due for the other eight: 7 reminders (n1 has no address, it waits).
    await h.until(HOUR);
    expect(rt.mailer.sent).toHaveLength(7);
    // T+1h30: r1's shopper follows the cart link in step 1, twice (one cart clicked).
    await h.until(HOUR + 30 * MINUTE);
    const link = /\/c\?t=[^\s"<>)]+/.exec(h.sentTo('r1')[0]?.text ?? '')?.[0];
    expect(link).toBeDefined();
    for (let i = 0; i < 2; i++) {
      const res = await rt.app.request(link ?? '');
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://shop.example/cart/r1');
    }
    // T+2h: r1 bought an hour after its reminder: recovered (84.50 USD). u1 unsubscribes.
    await h.until(2 * HOUR);
    await h.buy('r1');
    await h.owner('/owner/api/unsubscribe', { email: 'u1@example.com' });
    // T+3h: the owner writes w1 off and suppresses s1.
    await h.until(3 * HOUR);
    await h.owner('/owner/api/carts/w1/write-off', { reason: 'test order' });
    await h.owner('/owner/api/carts/s1/suppress', {});
    // T+1d: step 2 for the carts still open with a reachable address: r2, l1, e1 (u1 skipped).
    await h.until(DAY);
    expect(rt.mailer.sent).toHaveLength(7 + 3);
    expect(h.sentTo('u1')).toHaveLength(1);
    // T+1d+1h: r2 bought an hour after step 2: recovered (20.00 USD).
    await h.until(DAY + HOUR);
    await h.buy('r2', { total: '20.00' });
    // T+8d+1h: l1 bought, but its last reminder (T+1d) was more than 7 days ago: not recovered.
    await h.until(8 * DAY + HOUR);
    await h.buy('l1');
    // T+10d: u1, e1 and n1 reach the give-up age and expire.
    await h.until(10 * DAY + HOUR);
    expect(rt.mailer.sent).toHaveLength(10);

    const { summary } = await rt.reports.monthSummary('2026-11');
    // a1 a2 r1 r2 l1 w1 s1 u1 e1 n1
    expect(summary.cartsSeen).toBe(10);
    // all but n1
    expect(summary.cartsWithEmail).toBe(9);
    // step 1 came due for all but a1, a2: r1 r2 l1 w1 s1 u1 e1 n1
    expect(summary.abandoned).toBe(8);
    // step 1: r1 r2 l1 w1 s1 u1 e1 = 7; step 2: r2 l1 e1 = 3; 7 + 3 = 10
    expect(summary.remindersSent).toEqual({ total: 10, byStep: { '1': 7, '2': 3 } });
    // r1 (two clicks, one cart)
    expect(summary.clicked).toBe(1);
    // r1 and r2; l1 came back too late; a1, a2 were never reminded
    expect(summary.recovered).toBe(2);
    // 84.50 + 20.00
    expect(summary.recoveredRevenue).toEqual({ USD: '104.50' });
    // 2 / (8 abandoned - 1 written off)
    expect(summary.recoveryRate).toBeCloseTo(2 / 7, 12);
    expect(summary.writtenOff).toBe(1);
    expect(summary.suppressed).toBe(1);
    // u1's address
    expect(summary.unsubscribed).toBe(1);
    expect(summary.bounced).toBe(0);
    // u1 e1 n1
    expect(summary.expired).toBe(3);
    // Nov 2: the eight abandoned at T+1h, r1 recovered at T+2h; Nov 3: r2 recovered.
    const day = (date: string) => summary.daily.find((d) => d.date === date);
    expect(day('2026-11-02')).toMatchObject({ abandoned: 8, recovered: 1 });
    expect(day('2026-11-03')).toMatchObject({ abandoned: 0, recovered: 1 });
    expect(summary.daily.reduce((n, d) => n + d.abandoned, 0)).toBe(8);
    expect(summary.lift.kind).toBe('no_holdout');

    // The owner API gives the same numbers.
    const res = await rt.app.request('/owner/api/summary?month=2026-11', {
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    expect(res.status).toBe(200);
    const fromApi = (await res.json()) as SummaryJson;
    expect(headline(fromApi)).toEqual({
      cartsSeen: 10,
      cartsWithEmail: 9,
      abandoned: 8,
      remindersSent: { total: 10, byStep: { '1': 7, '2': 3 } },
      clicked: 1,
      recovered: 2,
      recoveredRevenue: { USD: '104.50' },
      recoveryRate: summary.recoveryRate,
      writtenOff: 1,
      suppressed: 1,
      unsubscribed: 1,
      bounced: 0,
      expired: 3,
    });
    // 10 reminder emails priced by SES, and a cost per recovered order over 2 orders.
    expect(fromApi.cost?.lines.find((l) => l.service === 'SES')?.quantity).toBe(10);
    expect(fromApi.cost?.recoveredOrders).toBe(2);

    // And so does the command line, on the same data dir.
    const cli = await runCli(
      ['summary', '--month', '2026-11', '--json'],
      envFor(rt.dataDir, extra),
    );
    expect(cli.code).toBe(0);
    expect(headline(JSON.parse(cli.stdout) as SummaryJson)).toEqual(headline(fromApi));
    const table = await runCli(['summary', '--month', '2026-11'], envFor(rt.dataDir, extra));
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/Abandoned\s+8\n/);
    expect(table.stdout).toMatch(/Recovery rate\s+28\.6%/);
  });
});

describe('honest lift through the real waiter', () => {
  it('holds out about half, mails none of them, and keeps the split across a restart', async () => {
    const extra = { CR_CADENCE: '1h,1d', CR_GIVE_UP_AFTER: '10d', CR_HOLDOUT: '50%' };
    const rt = openTestRuntime(extra, T);
    const h = helpers(rt);
    const ids = Array.from({ length: 200 }, (_, i) => `h${String(i).padStart(3, '0')}`);
    for (const id of ids) await h.update(id);
    await h.until(HOUR);

    const heldOut = new Set<string>();
    for await (const row of rt.store.auditBetween(T, T + DAY)) {
      if (row.action === 'skipped' && row.reason === 'holdout' && row.cartId)
        heldOut.add(row.cartId);
    }
    const mailed = new Set(rt.mailer.sent.map((m) => m.to.replace('@example.com', '')));
    // Every cart is in exactly one group, both groups are sizeable, and no held-out cart got mail.
    expect(heldOut.size + mailed.size).toBe(200);
    expect([...heldOut].filter((id) => mailed.has(id))).toEqual([]);
    expect(heldOut.size).toBeGreaterThan(60);
    expect(mailed.size).toBeGreaterThan(60);

    // Restart on the same data dir at T+2h: later decisions must follow the same split.
    await rt.shutdown(false);
    const again = openTestRuntime(extra, T + 2 * HOUR, rt.dataDir);
    open.push(again);
    const h2 = helpers(again);
    // Every 4th cart is bought at T+2h, from both groups alike (the shopper came back).
    const buyers = ids.filter((_, i) => i % 4 === 0);
    for (const id of buyers) await h2.buy(id);
    // The others come back and change their carts: a held-out cart's step 1 comes due again at
    // T+3h (it was never sent), a reminded cart's step 2 at T+1d+2h. Each must fall the same way.
    for (const id of ids.filter((id) => !buyers.includes(id))) await h2.update(id);
    await h2.until(DAY + 3 * HOUR);
    const step2 = new Set(again.mailer.sent.map((m) => m.to.replace('@example.com', '')));
    expect([...step2].filter((id) => heldOut.has(id))).toEqual([]);
    // Step 2 went to every reminded cart that was not bought.
    expect([...step2].sort()).toEqual([...mailed].filter((id) => !buyers.includes(id)).sort());
    const heldAgain = new Set<string>();
    for await (const row of again.store.auditBetween(T + 2 * HOUR, T + 2 * DAY)) {
      if (row.action === 'skipped' && row.reason === 'holdout' && row.cartId) {
        heldAgain.add(row.cartId);
      }
    }
    expect([...heldAgain].sort()).toEqual([...heldOut].filter((id) => !buyers.includes(id)).sort());

    const { summary } = await again.reports.monthSummary('2026-11');
    const lift = summary.lift;
    expect(lift.kind).not.toBe('no_holdout');
    if (lift.kind === 'no_holdout') return;
    expect(lift.holdout.n).toBe(heldOut.size);
    expect(lift.reminded.n).toBe(mailed.size);
    const boughtIn = (group: Set<string>) => buyers.filter((id) => group.has(id)).length;
    expect(lift.holdout.recovered).toBe(boughtIn(heldOut));
    expect(lift.reminded.recovered).toBe(boughtIn(mailed));
    expect(lift.holdout.recovered + lift.reminded.recovered).toBe(50);
    // Only reminded carts count as recovered in the headline numbers.
    expect(summary.recovered).toBe(boughtIn(mailed));
  });
});
