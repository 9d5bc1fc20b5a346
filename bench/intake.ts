/**
 * Intake over HTTP: signed events per second and latency for the real server (validation, SQLite
 * with synchronous=FULL so every 200 is on disk) against a bare node:http server that only
 * verifies the same signature and parses the JSON, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cartEvent, signedHeaders } from '../test/support/signed-event.ts';
import { fmt, load, median, type PreparedRequest, type Stats, startServer } from './lib.ts';

const SECRET = 'whsec_bench_secret_0123456789abcdef';

function prepare(count: number, runId: string): PreparedRequest[] {
  const t = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    // Four events per cart, spread through the run as a shopper's clicks are spread in time:
    // creates and updates are both exercised, and no two events of one cart race each other.
    const carts = Math.max(1, Math.floor(count / 4));
    const cartId = `c_${runId}_${i % carts}`;
    // The shared test event (the SPEC example plus a candle); the candle count varies so
    // updates change the cart.
    const event = cartEvent({
      id: `evt_${runId}_${i}`,
      occurredAt: new Date(Date.now() - 60_000 + i).toISOString(),
      cart: {
        id: cartId,
        email: `shopper${i % carts}@example.com`,
        restoreUrl: `https://shop.example/cart/${cartId}`,
      },
    });
    event.cart.items = event.cart.items.map((item) =>
      item.sku === 'CANDLE' ? { ...item, quantity: 1 + (i % 4) } : item,
    );
    const body = JSON.stringify(event);
    return { path: '/events', headers: signedHeaders(SECRET, body, t * 1000), body };
  });
}

export interface IntakeResult {
  readonly real: Stats;
  readonly bare: Stats;
  readonly throughputRatio: number;
  readonly p99Ratio: number;
  readonly runs: number;
  readonly eventsPerRun: number;
  readonly concurrency: number;
}

export async function benchIntake({
  runs = 5,
  events = 4000,
  concurrency = 16,
} = {}): Promise<IntakeResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cr-bench-intake-'));
  const env = { CR_DATA_DIR: dataDir, CR_WEBHOOK_SECRET: SECRET, CR_QUIET_HOURS: 'off' };
  const real = await startServer(
    process.execPath,
    ['--import', 'tsx', 'bench/servers/cart-server.ts'],
    env,
  );
  const bare = await startServer(process.execPath, ['bench/servers/bare-server.mjs'], env);
  const realRuns: Stats[] = [];
  const bareRuns: Stats[] = [];
  try {
    // Warm-up until both are at steady state (JIT, the client too): with 500 requests the bare
    // server was still speeding up run after run (3.8k, 6.8k, 7.5k events/s), which flattered the
    // ratio. Then alternate so both see the same machine conditions.
    for (let round = 0; round < 3; round++) {
      await load(real.port, prepare(2000, `warm${round}`), concurrency);
      await load(bare.port, prepare(2000, `warm${round}`), concurrency);
    }
    for (let run = 0; run < runs; run++) {
      bareRuns.push(await load(bare.port, prepare(events, `b${run}`), concurrency));
      realRuns.push(await load(real.port, prepare(events, `r${run}`), concurrency));
    }
  } finally {
    await real.stop();
    await bare.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const pick = (all: Stats[]): Stats => ({
    count: all[0]?.count ?? 0,
    seconds: median(all.map((s) => s.seconds)),
    perSecond: median(all.map((s) => s.perSecond)),
    p50Ms: median(all.map((s) => s.p50Ms)),
    p99Ms: median(all.map((s) => s.p99Ms)),
  });
  const r = pick(realRuns);
  const b = pick(bareRuns);
  return {
    real: r,
    bare: b,
    throughputRatio: r.perSecond / b.perSecond,
    p99Ratio: r.p99Ms / b.p99Ms,
    runs,
    eventsPerRun: events,
    concurrency,
  };
}

export function intakeMarkdown(result: IntakeResult): string {
  const { real, bare } = result;
  return [
    '## Intake over HTTP (`POST /events`)',
    '',
    `${result.eventsPerRun.toLocaleString('en-US')} signed events per run, ${result.concurrency} in flight over keep-alive, median of ${result.runs} runs after a warm-up of 6,000 events on each server. The baseline is a bare \`node:http\` server that verifies the same signature and parses the same JSON, measured in the same run. The real server validates every field, writes the row and its wake-up to SQLite with \`synchronous=FULL\` (on disk before the 200), and de-duplicates by event id.`,
    '',
    '| server | events/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| bare node:http (baseline) | ${fmt(bare.perSecond, 0)} | ${fmt(bare.p50Ms, 2)} | ${fmt(bare.p99Ms, 2)} |`,
    `| cart-recovery | ${fmt(real.perSecond, 0)} | ${fmt(real.p50Ms, 2)} | ${fmt(real.p99Ms, 2)} |`,
    `| **ratio** (cart-recovery / baseline) | **${fmt(result.throughputRatio, 2)}** | | ${fmt(result.p99Ratio, 2)} x |`,
    '',
    `Target (issue 2): throughput at least 0.5 of the bare server. Result: ${result.throughputRatio >= 0.5 ? 'met' : 'not met'}.`,
    '',
    "Where the time goes (a `--cpu-prof` of the real server under this load, 2026-11-23): about a quarter inside SQLite transactions (the group commit averages 8 events per commit and fsync), a tenth in zod validation, the rest spread over HTTP parsing, HMAC, JSON and the intake merge. A partial index on `json_extract(data, ...)` made SQLite parse every written row's JSON; replacing it with a column took in-process intake from 233-249 to 173-183 µs per event. fdatasync on this disk takes 0.27 ms, so the fsync itself is not the limit: moving it off the main thread (commit with NORMAL, then fdatasync the WAL on the thread pool) was tried and measured against the inline FULL commit in the same run, with no gain, and reverted.",
  ].join('\n');
}
