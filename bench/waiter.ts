/**
 * The waiter at scale, on the embedded default (SQLite file, synchronous=FULL, file outbox).
 *
 * (a) Throughput: 100,000 open carts stored, 10,000 of them due; `loop.drain()` on a manual
 *     clock decides and mails every due one. Baselines from the same run: the same drain with a
 *     no-op mailer (so the cost of writing .eml files is visible) and, as a floor, the raw
 *     `claimDue` of the same 10,000 rows (the timer's own bookkeeping, no waiter at all).
 * (b) Lateness of a burst: the real clock and the running timer loop; 10,000 carts fall due at
 *     the same instant a couple of seconds ahead; send time (the reminder_sent audit row) minus
 *     due time, the last send against the 6 s target.
 * (c) Lateness of a single cart: 200 carts taken in through intake (ingest, which arms each
 *     wake-up as the service does) one at a time, each falling due 1 s after its event and 300 ms
 *     after the one before, so no two overlap; p99 against the 250 ms target.
 *
 * Carts are inserted directly with one prepared statement in one transaction (not through
 * store.save), because building the data set is not what is measured.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/app/config.ts';
import { openLocalRuntime } from '../src/cli/local-runtime.ts';
import type { Cart, CartItem } from '../src/domain/cart.ts';
import { parseCartEvent } from '../src/domain/events.ts';
import { createManualClock } from '../src/ports/clock.ts';
import type { Mailer } from '../src/ports/mailer.ts';
import { makeCart } from '../test/support/cart-fixtures.ts';
import { fmt, median, percentile } from './lib.ts';

const HOUR = 3_600_000;
/** Noon UTC: outside the default quiet hours in the store zone, so the gate is open. */
const NOW = Date.parse('2026-11-23T12:00:00Z');

const CANDLE: CartItem = {
  sku: 'CANDLE',
  name: 'Candle',
  quantity: 1,
  priceMinor: 2550,
  url: null,
  imageUrl: null,
};

/** The shared test cart (a shirt), plus a candle, for shopper i; no zone, so the store's applies. */
function benchCart(i: number, lastActivityAt: number, wakeAt: number): Cart {
  const cart = makeCart({
    id: `b${i}`,
    email: `shopper${i}@example.com`,
    timezone: null,
    lastActivityAt,
    lastEventId: `evt_b${i}`,
    wakeAt,
    version: 1,
  });
  return { ...cart, items: [...cart.items, CANDLE] };
}

type Runtime = ReturnType<typeof openLocalRuntime>;

function insertCarts(runtime: Runtime, carts: Iterable<Cart>): number {
  const insert = runtime.db.prepare(
    `INSERT INTO carts (id, status, email, last_activity_at, wake_at, version, data)
     VALUES (?, 'open', ?, ?, ?, 1, ?)`,
  );
  let n = 0;
  runtime.db.transaction(() => {
    for (const cart of carts) {
      insert.run(cart.id, cart.email, cart.lastActivityAt, cart.wakeAt, JSON.stringify(cart));
      n++;
    }
  })();
  return n;
}

function* throughputCarts(total: number, due: number): Generator<Cart> {
  for (let i = 0; i < total; i++) {
    // Due carts went quiet an hour ago (step 1 due); the rest fall due over the next day.
    const last =
      i < due ? NOW - HOUR - (i % 600) * 1000 : NOW - HOUR + 60_000 + (i % 86_400) * 1000;
    yield benchCart(i, last, last + HOUR);
  }
}

function configFor(dataDir: string, extra: Record<string, string> = {}) {
  return parseConfig({
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: 'whsec_bench_waiter_0123456789',
    CR_OWNERS: 'bench:own_bench_waiter_0123456789',
    ...extra,
  });
}

const noopMailer: Mailer = { send: async () => ({ receipt: 'noop' }) };

function countSent(runtime: Runtime): number {
  return (
    runtime.db
      .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM audit WHERE action = 'reminder_sent'")
      .get()?.n ?? 0
  );
}

type Variant = 'outbox' | 'noop' | 'claim';

/** One measured run on a fresh copy of the template data dir. */
async function runOnce(template: string, variant: Variant, due: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cr-bench-waiter-run-'));
  cpSync(template, dir, { recursive: true });
  const clock = createManualClock(NOW);
  const runtime = openLocalRuntime(configFor(dir), {
    clock,
    ...(variant === 'noop' ? { mailer: noopMailer } : {}),
  });
  try {
    const t0 = performance.now();
    let handled = 0;
    if (variant === 'claim') {
      for (;;) {
        const ids = runtime.store.claimDue(NOW, 200, 60_000);
        if (ids.length === 0) break;
        handled += ids.length;
      }
    } else {
      handled = await runtime.loop.drain();
    }
    const seconds = (performance.now() - t0) / 1000;
    const mailed = variant === 'claim' ? 0 : countSent(runtime);
    if (handled !== due) throw new Error(`${variant}: handled ${handled} of ${due} due carts`);
    if (variant !== 'claim' && mailed !== due) {
      throw new Error(`${variant}: mailed ${mailed} of ${due}`);
    }
    return { seconds, perSecond: handled / seconds };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** (b) The real loop on the real clock: how late does a burst of simultaneous due carts go out? */
async function lateness(count: number, leadMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cr-bench-waiter-late-'));
  // Quiet hours off: the real clock may be in the night when the bench runs.
  const runtime = openLocalRuntime(configFor(dir, { CR_QUIET_HOURS: 'off' }));
  try {
    const dueAt = Date.now() + leadMs;
    insertCarts(
      runtime,
      Array.from({ length: count }, (_, i) => benchCart(i, dueAt - HOUR, dueAt)),
    );
    runtime.loop.start();
    const deadline = Date.now() + 600_000;
    while (countSent(runtime) < count) {
      if (Date.now() > deadline) throw new Error('lateness: not every cart was mailed in 10 min');
      await new Promise((done) => setTimeout(done, 250));
    }
    await runtime.loop.stop();
    const late = runtime.db
      .prepare<[], { at: number }>("SELECT at FROM audit WHERE action = 'reminder_sent'")
      .all()
      .map((row) => row.at - dueAt)
      .sort((a, b) => a - b);
    return {
      count,
      leadMs,
      p50Ms: percentile(late, 50),
      p99Ms: percentile(late, 99),
      maxMs: late.at(-1) ?? Number.NaN,
      minMs: late[0] ?? Number.NaN,
    };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lateness in ms (send minus due) of every reminder_sent row, sorted. */
function latenessOf(runtime: Runtime, dueOf: (cartId: string) => number): number[] {
  return runtime.db
    .prepare<[], { cart_id: string; at: number }>(
      "SELECT cart_id, at FROM audit WHERE action = 'reminder_sent'",
    )
    .all()
    .map((row) => row.at - dueOf(row.cart_id))
    .sort((a, b) => a - b);
}

/** (c) One cart at a time, armed by intake, on the real clock and the running loop. */
async function singleLateness(count: number, spacingMs: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cr-bench-waiter-single-'));
  const cadenceMs = 1000;
  const runtime = openLocalRuntime(
    configFor(dir, { CR_QUIET_HOURS: 'off', CR_CADENCE: '1s,1h,2h', CR_FREQUENCY_CAP: 'off' }),
  );
  const dueAt = new Map<string, number>();
  try {
    runtime.loop.start();
    for (let i = 0; i < count; i++) {
      const occurredAt = Date.now();
      const parsed = parseCartEvent({
        id: `evt_single_${i}`,
        type: 'cart.updated',
        occurredAt: new Date(occurredAt).toISOString(),
        cart: {
          id: `single_${i}`,
          email: `single${i}@example.com`,
          currency: 'USD',
          total: '84.50',
          items: [{ sku: 'SHIRT-L', name: 'Linen shirt', quantity: 1, price: '84.50' }],
          restoreUrl: `https://shop.example/cart/single_${i}`,
        },
      });
      if (!parsed.ok) throw new Error(`single: bad event ${JSON.stringify(parsed.details)}`);
      // The row keeps the event's time to the millisecond: due exactly cadence after it.
      dueAt.set(`single_${i}`, parsed.event.occurredAt + cadenceMs);
      await runtime.ingest(parsed.event);
      await new Promise((done) => setTimeout(done, spacingMs));
    }
    const deadline = Date.now() + 60_000;
    while (countSent(runtime) < count) {
      if (Date.now() > deadline) throw new Error('single: not every cart was mailed in 60 s');
      await new Promise((done) => setTimeout(done, 100));
    }
    await runtime.loop.stop();
    const late = latenessOf(runtime, (id) => dueAt.get(id) ?? Number.NaN);
    return {
      count,
      spacingMs,
      p50Ms: percentile(late, 50),
      p99Ms: percentile(late, 99),
      maxMs: late.at(-1) ?? Number.NaN,
    };
  } finally {
    await runtime.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface WaiterResult {
  readonly stored: number;
  readonly due: number;
  readonly runs: number;
  readonly insertSeconds: number;
  readonly outbox: { seconds: number; perSecond: number };
  readonly noop: { seconds: number; perSecond: number };
  readonly claim: { seconds: number; perSecond: number };
  readonly lateness: Awaited<ReturnType<typeof lateness>>;
  readonly single: Awaited<ReturnType<typeof singleLateness>>;
  readonly samples: Record<Variant, number[]>;
  /** The 1-minute load average before and after: on a shared machine, how much to trust it. */
  readonly load: { readonly before: number; readonly after: number };
}

export async function benchWaiter({
  stored = 100_000,
  due = 10_000,
  runs = 3,
  burst = 10_000,
  singles = 200,
} = {}): Promise<WaiterResult> {
  const template = mkdtempSync(join(tmpdir(), 'cr-bench-waiter-'));
  const loadBefore = loadavg()[0] ?? Number.NaN;
  try {
    const seed = openLocalRuntime(configFor(template), { clock: createManualClock(NOW) });
    const t0 = performance.now();
    insertCarts(seed, throughputCarts(stored, due));
    const insertSeconds = (performance.now() - t0) / 1000;
    await seed.close();

    const samples: Record<Variant, Array<{ seconds: number; perSecond: number }>> = {
      outbox: [],
      noop: [],
      claim: [],
    };
    // Interleaved, so the three see the same machine conditions.
    for (let run = 0; run < runs; run++) {
      for (const variant of ['claim', 'noop', 'outbox'] as const) {
        samples[variant].push(await runOnce(template, variant, due));
      }
    }
    const pick = (all: Array<{ seconds: number; perSecond: number }>) => ({
      seconds: median(all.map((s) => s.seconds)),
      perSecond: median(all.map((s) => s.perSecond)),
    });
    return {
      stored,
      due,
      runs,
      insertSeconds,
      outbox: pick(samples.outbox),
      noop: pick(samples.noop),
      claim: pick(samples.claim),
      lateness: await lateness(burst, 2000),
      single: await singleLateness(singles, 300),
      load: { before: loadBefore, after: loadavg()[0] ?? Number.NaN },
      samples: {
        outbox: samples.outbox.map((x) => x.perSecond),
        noop: samples.noop.map((x) => x.perSecond),
        claim: samples.claim.map((x) => x.perSecond),
      },
    };
  } finally {
    rmSync(template, { recursive: true, force: true });
  }
}

export function waiterMarkdown(r: WaiterResult): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const runs = (all: readonly number[]) => all.map((x) => fmt(x, 0)).join(', ');
  const l = r.lateness;
  const one = r.single;
  const rateMet = r.outbox.perSecond >= 2000;
  const burstMet = l.maxMs <= 6000;
  const singleMet = one.p99Ms <= 250;
  const verdict = (met: boolean) => (met ? 'met' : 'not met');
  return [
    '## The waiter (`loop.drain()` over due wake-ups)',
    '',
    `${n(r.stored)} open carts stored in SQLite (inserted with one prepared statement in one transaction, ${fmt(r.insertSeconds, 1)} s), ${n(r.due)} of them due. Each run drains every due cart on a fresh copy of the file: claim, read the row, decide (gate: quiet hours, 20 h frequency cap, unsubscribe list, newest open cart of the address), claim the step, compose the email, send it, record the send and arm the next wake-up, with \`synchronous=FULL\`. Median of ${r.runs} runs, interleaved (claim, no-op, outbox, then again). Load average (1 min) ${fmt(r.load.before, 2)} before the bench and ${fmt(r.load.after, 2)} after, on ${cpus().length} cores: above about 1, another process was sharing the machine, so read the ratios to the baselines of the same run rather than the absolute figures.`,
    '',
    '| run | wake-ups/s | seconds for all due | each run (/s) |',
    '|---|---:|---:|---|',
    `| raw \`claimDue\` only (floor: the timer's bookkeeping, no waiter) | ${fmt(r.claim.perSecond, 0)} | ${fmt(r.claim.seconds, 2)} | ${runs(r.samples.claim)} |`,
    `| waiter, no-op mailer (baseline: deciding and recording) | ${fmt(r.noop.perSecond, 0)} | ${fmt(r.noop.seconds, 2)} | ${runs(r.samples.noop)} |`,
    `| **waiter, file outbox** (waiter bursts: each burst's .eml files written and fsynced in parallel on writer threads, then one folder flush, then the sends recorded) | **${fmt(r.outbox.perSecond, 0)}** | ${fmt(r.outbox.seconds, 2)} | ${runs(r.samples.outbox)} |`,
    '',
    `Mailing costs ${fmt((r.outbox.seconds / r.noop.seconds - 1) * 100, 0)}% on top of deciding and recording (before the bursts, issue 19: 358%); the waiter takes ${fmt(r.noop.seconds / r.claim.seconds, 0)} x the bare claim.`,
    '',
    '### Lateness of a burst',
    '',
    `The real clock and the running timer loop (\`loop.start()\`, file outbox, quiet hours off): ${n(l.count)} carts all fall due at the same instant ${fmt(l.leadMs / 1000, 0)} s after start. Lateness = the reminder_sent audit time (after the .eml is on disk) minus the due time.`,
    '',
    '| carts due at once | first send | p50 | p99 | max (last send) |',
    '|---:|---:|---:|---:|---:|',
    `| ${n(l.count)} | ${fmt(l.minMs, 0)} ms | ${fmt(l.p50Ms, 0)} ms | ${fmt(l.p99Ms, 0)} ms | ${fmt(l.maxMs, 0)} ms |`,
    '',
    'A burst drains at the throughput above, so the last of N simultaneous carts goes out about N / throughput after its due time.',
    '',
    '### Lateness of a single due cart',
    '',
    `${n(one.count)} carts taken in through intake one at a time (\`ingest\`, which arms the wake-up as the service does: the row's due time, and a poke of the running loop), each due 1 s after its event and ${fmt(one.spacingMs, 0)} ms after the one before, so none overlaps another; the real clock and the running loop, file outbox. Lateness = the reminder_sent audit time minus the due time.`,
    '',
    '| carts, one at a time | p50 | p99 | max |',
    '|---:|---:|---:|---:|',
    `| ${n(one.count)} | ${fmt(one.p50Ms, 0)} ms | ${fmt(one.p99Ms, 0)} ms | ${fmt(one.maxMs, 0)} ms |`,
    '',
    `Targets (issue 19): at least 2,000 reminders/s to the outbox with fsync: ${fmt(r.outbox.perSecond, 0)}/s, ${verdict(rateMet)}; ${n(l.count)} due at once all sent within 6 s of due: last after ${fmt(l.maxMs / 1000, 1)} s, ${verdict(burstMet)}; a single due cart within 250 ms (p99 over ${n(one.count)}): ${fmt(one.p99Ms, 0)} ms, ${verdict(singleMet)}.`,
  ].join('\n');
}
