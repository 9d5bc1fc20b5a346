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

/** One server's figures at one concurrency (median of the runs). */
export interface IntakeRow {
  readonly real: Stats;
  /** The same server and data, with `synchronous=OFF`: no fsync, so a 200 is not durable. */
  readonly noFsync: Stats;
  readonly bare: Stats;
  readonly concurrency: number;
  readonly throughputRatio: number;
  readonly noFsyncRatio: number;
  readonly p99Ratio: number;
}

export interface IntakeResult {
  /** The first row is the setting the target is judged at (16 in flight). */
  readonly rows: readonly IntakeRow[];
  readonly runs: number;
  readonly eventsPerRun: number;
}

const pick = (all: readonly Stats[]): Stats => ({
  count: all[0]?.count ?? 0,
  seconds: median(all.map((s) => s.seconds)),
  perSecond: median(all.map((s) => s.perSecond)),
  p50Ms: median(all.map((s) => s.p50Ms)),
  p99Ms: median(all.map((s) => s.p99Ms)),
});

export async function benchIntake({
  runs = 5,
  events = 4000,
  concurrencies = [16, 64],
} = {}): Promise<IntakeResult> {
  const root = mkdtempSync(join(tmpdir(), 'cr-bench-intake-'));
  const env = (name: string, extra: Record<string, string> = {}) => ({
    CR_DATA_DIR: join(root, name),
    CR_WEBHOOK_SECRET: SECRET,
    CR_QUIET_HOURS: 'off',
    ...extra,
  });
  const cartServer = ['--import', 'tsx', 'bench/servers/cart-server.ts'];
  const servers = {
    real: await startServer(process.execPath, cartServer, env('real')),
    // The durability cost, measured: the same code with fsync off (never how it is run).
    noFsync: await startServer(
      process.execPath,
      cartServer,
      env('nofsync', { CR_SQLITE_SYNC: 'OFF' }),
    ),
    bare: await startServer(process.execPath, ['bench/servers/bare-server.mjs'], env('bare')),
  };
  const names = ['bare', 'real', 'noFsync'] as const;
  const rows: IntakeRow[] = [];
  try {
    // Warm-up until all are at steady state (JIT, the client too): with 500 requests the bare
    // server was still speeding up run after run (3.8k, 6.8k, 7.5k events/s), which flattered the
    // ratio. Then alternate so all see the same machine conditions.
    for (let round = 0; round < 3; round++) {
      for (const name of names) await load(servers[name].port, prepare(2000, `warm${round}`), 16);
    }
    for (const concurrency of concurrencies) {
      const stats = { bare: [] as Stats[], real: [] as Stats[], noFsync: [] as Stats[] };
      for (let run = 0; run < runs; run++) {
        for (const name of names) {
          const id = `${name}${concurrency}r${run}`;
          stats[name].push(await load(servers[name].port, prepare(events, id), concurrency));
        }
      }
      const real = pick(stats.real);
      const noFsync = pick(stats.noFsync);
      const bare = pick(stats.bare);
      rows.push({
        real,
        noFsync,
        bare,
        concurrency,
        throughputRatio: real.perSecond / bare.perSecond,
        noFsyncRatio: noFsync.perSecond / bare.perSecond,
        p99Ratio: real.p99Ms / bare.p99Ms,
      });
    }
  } finally {
    for (const name of names) await servers[name].stop();
    rmSync(root, { recursive: true, force: true });
  }
  return { rows, runs, eventsPerRun: events };
}

export function intakeMarkdown(result: IntakeResult): string {
  const [judged] = result.rows;
  const table = result.rows.flatMap((row) => [
    `| ${row.concurrency} | bare node:http (baseline) | ${fmt(row.bare.perSecond, 0)} | | ${fmt(row.bare.p50Ms, 2)} | ${fmt(row.bare.p99Ms, 2)} |`,
    `| ${row.concurrency} | **cart-recovery** | **${fmt(row.real.perSecond, 0)}** | **${fmt(row.throughputRatio, 2)}** | ${fmt(row.real.p50Ms, 2)} | ${fmt(row.real.p99Ms, 2)} |`,
    `| ${row.concurrency} | cart-recovery with fsync off (not durable; for scale only) | ${fmt(row.noFsync.perSecond, 0)} | ${fmt(row.noFsyncRatio, 2)} | ${fmt(row.noFsync.p50Ms, 2)} | ${fmt(row.noFsync.p99Ms, 2)} |`,
  ]);
  return [
    '## Intake over HTTP (`POST /events`)',
    '',
    `${result.eventsPerRun.toLocaleString('en-US')} signed events per run over keep-alive, median of ${result.runs} runs after a warm-up of 6,000 events on each server, the servers taking turns. The baseline is a bare \`node:http\` server that verifies the same signature and parses the same JSON, measured in the same run. cart-recovery validates every field, de-duplicates by event id, and writes the row and its wake-up to SQLite with \`synchronous=FULL\`: on disk before the 200. The third server is the same cart-recovery with fsync turned off, run only to show what durability costs here.`,
    '',
    '| in flight | server | events/s | ratio to baseline | p50 ms | p99 ms |',
    '|---:|---|---:|---:|---:|---:|',
    ...table,
    '',
    `Target (issue 2): throughput at least 0.5 of the bare server, judged at ${judged?.concurrency ?? 16} in flight (the setting since this benchmark was written). Result: ${judged === undefined ? 'n/a' : `${fmt(judged.throughputRatio, 2)}, ${judged.throughputRatio >= 0.5 ? 'met' : 'not met'}`}.`,
    '',
    '### Where the time goes, and what was tried',
    '',
    "- **The fsync in every request's path.** A group commit (one transaction and one fsync for the writes that arrive together, 7-8 events at 16 in flight) takes 1.1-1.3 ms, of which the fsync is about 0.7 ms under this load (strace: p50 0.69 ms, p90 0.80 ms). The load generator keeps a fixed number of requests in flight, so every request waits for one. With fsync off (the third row) the same server does 20-35% more; that is the price of “on disk before the 200” here.",
    "- **CPU.** At 16 in flight the machine's two cores are about a quarter idle (and 5-7% in I/O wait): neither the server nor the client is CPU-bound; requests wait their turn, for the disk's flush and for the main thread, which handles them one at a time. The main thread spends about 200 µs of CPU per event against the bare server's 80: HTTP, HMAC and JSON as the baseline, then validation, the read, the merge and the SQLite statements.",
    "- **Validation** now takes a plain check for well-formed bodies before the schema (6.5 against 14 µs per event), held to the schema's exact answers by property tests.",
    '- **Tried and not kept** (each measured against the current code in the same run):',
    '  - the WAL fsync off the main thread (commit with NORMAL, fdatasync on the thread pool): no gain, twice;',
    '  - intake on a worker thread with its own connection, first with whole events and carts crossing threads (3,105-3,369 vs 3,626-3,760 ev/s inline), then with only the body bytes in and the answer out (3,046 vs 3,135; branches `experiment/intake-thread` and `experiment/intake-thread-lean`): a thread cannot shorten the fsync each request waits for;',
    '  - waiting up to 6 event-loop turns for bigger batches, and checkpointing less often: no gain.',
    "- **Earlier:** a partial index on `json_extract(data, ...)` made SQLite parse every written row's JSON; a `claimed_step` column took in-process intake from 233-249 to 173-183 µs per event.",
  ].join('\n');
}
