/**
 * Memory with a million open carts stored: the real server (`bench/servers/cart-server.ts`, the
 * runtime `npm start` runs) on a data dir holding 1,000,000 open carts, each with a wake-up armed
 * in the future, against the same server on an empty data dir, in the same run. Both answer the
 * same signed events and run their timer loop for a few seconds; RSS comes from
 * /proc/<pid>/status (VmHWM peak, VmRSS current). Locally the due time is an indexed column, not
 * a timer object per cart, so RSS should not scale with the carts stored.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signWebhook } from '../src/domain/webhook-signature.ts';
import { fmt, load, median, type PreparedRequest, startServer } from './lib.ts';
import { type SeedResult, seedDatabase, sqliteBytes } from './support/seed.ts';

const SECRET = 'whsec_bench_memory_0123456789abcdef';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DB_FILE = 'cart-recovery.sqlite';

/** kB figures from /proc/<pid>/status. */
export function procMemory(pid: number): { hwmKb: number; rssKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { hwmKb: field('VmHWM'), rssKb: field('VmRSS') };
}

/** Half the events update stored carts (ids the seed used), half create new ones. */
function events(count: number, runId: string, stored: number): PreparedRequest[] {
  const t = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const existing = i % 2 === 0 && stored > 0;
    const cartId = existing
      ? `o${(Math.floor((i * 7919) / 2) % stored).toString().padStart(7, '0')}`
      : `n_${runId}_${i}`;
    const body = JSON.stringify({
      id: `evt_${runId}_${i}`,
      type: 'cart.updated',
      occurredAt: new Date(Date.now() - 1000 + (i % 500)).toISOString(),
      cart: {
        id: cartId,
        email: `buyer${i}.${runId}@example.com`,
        currency: 'USD',
        total: '84.50',
        items: [
          { sku: 'SHIRT-L', name: 'Linen shirt', quantity: 1, price: '59.00' },
          { sku: 'CANDLE', name: 'Candle', quantity: 1, price: '25.50' },
        ],
        restoreUrl: `https://shop.example/cart/${cartId}`,
        consent: true,
      },
    });
    return {
      path: '/events',
      headers: {
        'content-type': 'application/json',
        'x-cr-signature': signWebhook(SECRET, body, t),
      },
      body,
    };
  });
}

export interface ServerSample {
  readonly startSeconds: number;
  readonly startRssKb: number;
  readonly hwmKb: number;
  readonly rssKb: number;
  readonly eventsPerSecond: number;
}

async function measure(
  dataDir: string,
  stored: number,
  runId: string,
  eventCount: number,
  loopSeconds: number,
): Promise<ServerSample> {
  const t0 = performance.now();
  const server = await startServer(
    process.execPath,
    ['--import', 'tsx', 'bench/servers/cart-server.ts'],
    { CR_DATA_DIR: dataDir, CR_WEBHOOK_SECRET: SECRET, CR_QUIET_HOURS: 'off' },
  );
  try {
    const startSeconds = (performance.now() - t0) / 1000;
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('server has no pid');
    const startRssKb = procMemory(pid).rssKb;
    const stats = await load(server.port, events(eventCount, runId, stored), 16);
    // The timer loop keeps polling the due index meanwhile (no cart is due yet).
    await new Promise((done) => setTimeout(done, loopSeconds * 1000));
    const { hwmKb, rssKb } = procMemory(pid);
    return { startSeconds, startRssKb, hwmKb, rssKb, eventsPerSecond: stats.perSecond };
  } finally {
    await server.stop();
  }
}

export interface MemoryResult {
  readonly stored: number;
  readonly runs: number;
  readonly eventCount: number;
  readonly loopSeconds: number;
  readonly seed: SeedResult;
  readonly fileBytes: { empty: number; full: number };
  readonly empty: ServerSample;
  readonly full: ServerSample;
}

function medianSample(all: readonly ServerSample[]): ServerSample {
  const m = (key: keyof ServerSample) => median(all.map((s) => s[key]));
  return {
    startSeconds: m('startSeconds'),
    startRssKb: m('startRssKb'),
    hwmKb: m('hwmKb'),
    rssKb: m('rssKb'),
    eventsPerSecond: m('eventsPerSecond'),
  };
}

export async function benchMemory({
  stored = 1_000_000,
  runs = 3,
  eventCount = 2000,
  loopSeconds = 5,
} = {}): Promise<MemoryResult> {
  const emptyDir = mkdtempSync(join(tmpdir(), 'cr-bench-memory-empty-'));
  const fullDir = mkdtempSync(join(tmpdir(), 'cr-bench-memory-full-'));
  try {
    const now = Date.now();
    // Carts touched over the past week, every one open with its wake-up armed from an hour
    // ahead over the next three days: none falls due while the bench runs.
    const seed = seedDatabase(join(fullDir, DB_FILE), [
      {
        count: stored,
        idPrefix: 'o',
        from: now - 7 * DAY,
        to: now - HOUR,
        statuses: 'open',
        wakeAfter: now + HOUR,
      },
    ]);
    seedDatabase(join(emptyDir, DB_FILE), []);
    const samples: { empty: ServerSample[]; full: ServerSample[] } = { empty: [], full: [] };
    for (let r = 0; r < runs; r++) {
      samples.empty.push(await measure(emptyDir, 0, `e${r}`, eventCount, loopSeconds));
      samples.full.push(await measure(fullDir, stored, `f${r}`, eventCount, loopSeconds));
    }
    return {
      stored,
      runs,
      eventCount,
      loopSeconds,
      seed,
      fileBytes: {
        empty: sqliteBytes(join(emptyDir, DB_FILE)),
        full: sqliteBytes(join(fullDir, DB_FILE)),
      },
      empty: medianSample(samples.empty),
      full: medianSample(samples.full),
    };
  } finally {
    rmSync(emptyDir, { recursive: true, force: true });
    rmSync(fullDir, { recursive: true, force: true });
  }
}

const mb = (kb: number) => fmt(kb / 1024, 0);
const n = (x: number) => x.toLocaleString('en-US');

export function memoryMarkdown(r: MemoryResult): string {
  const row = (label: string, s: ServerSample, file: number) =>
    `| ${label} | ${fmt(s.startSeconds, 2)} | ${mb(s.startRssKb)} | ${mb(s.hwmKb)} | ${mb(s.rssKb)} | ${fmt(s.eventsPerSecond, 0)} | ${fmt(file / 2 ** 20, 0)} MB |`;
  const extraKb = r.full.hwmKb - r.empty.hwmKb;
  const perCart = (extraKb * 1024) / r.stored;
  return [
    `## Memory with ${n(r.stored)} open carts stored`,
    '',
    `The real server (\`node --import tsx bench/servers/cart-server.ts\`: SQLite, the timer loop, the Hono app) started on a data dir holding ${n(r.stored)} open carts, every one with a wake-up armed in the future, against the same server on an empty data dir (the baseline), in the same run. Each answers the same ${n(r.eventCount)} signed events (half update stored carts where there are any, half create new ones; 16 in flight), then runs its timer loop for ${r.loopSeconds} s. RSS from \`/proc/<pid>/status\`: VmHWM (peak) and VmRSS (now). The carts were seeded straight into SQLite with one prepared INSERT in one transaction (${n(r.seed.rows)} rows in ${fmt(r.seed.seconds, 1)} s): **seeding bypasses intake** (intake throughput is measured separately). Median of ${r.runs} runs, interleaved.`,
    '',
    '| data dir | start s | RSS after start MB | peak RSS (VmHWM) MB | RSS at end MB | events/s | SQLite file |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('empty (baseline)', r.empty, r.fileBytes.empty),
    row(`**${n(r.stored)} open carts**`, r.full, r.fileBytes.full),
    '',
    `Peak RSS with ${n(r.stored)} carts stored is ${mb(extraKb)} MB ${extraKb >= 0 ? 'above' : 'below'} the empty baseline (${fmt(perCart, 1)} bytes per stored cart), for a ${fmt(r.fileBytes.full / 2 ** 20, 0)} MB database. A timer object or an in-memory index per cart would cost hundreds of bytes each (hundreds of MB here); the due time is an indexed column and the loop asks SQLite for the earliest one. ${extraKb <= 72 * 1024 ? "The difference fits inside SQLite's page cache (`cache_size` 64 MiB per connection, a cap), which holds more distinct pages when the events touch a bigger file." : "**The difference is larger than SQLite's 64 MiB page-cache cap, so something else grows with the carts stored.**"}`,
  ].join('\n');
}
