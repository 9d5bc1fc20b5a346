/**
 * `cart-recovery demo`: a store's day played through the real app on a simulated clock, in
 * seconds. A few hundred seeded shoppers browse, some buy at once, some after a reminder, one
 * unsubscribes through the link in their email, the owner suppresses one cart and writes one
 * off; the waiter runs as the clock moves on for a week and more, so every step and give-up
 * happens. The outbox, the database and the audit trail are left to look at in the demo's own
 * data dir (`./demo-data`, or `--data-dir DIR`), never in the one `serve` uses: fake carts there
 * would be counted in the real monthly summary.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createOutboxMailer } from '../adapters/outbox/outbox-mailer.ts';
import { parseConfig } from '../app/config.ts';
import { localDay } from '../domain/calendar.ts';
import { isDay } from '../domain/input-rules.ts';
import type { QuietHours } from '../domain/policy.ts';
import { formatSummaryTable } from '../domain/summary-format.ts';
import { createManualClock } from '../ports/clock.ts';
import type { ParsedArgs } from './args.ts';
import { shellWord, UsageError } from './args.ts';
import { buildPlan } from './demo/plan.ts';
import { createDemoMailer, playDemo } from './demo/play.ts';
import { formatReport } from './demo/report.ts';
import { tallyDemo } from './demo/tally.ts';
import { type LocalRuntime, openLocalRuntime } from './local-runtime.ts';
import type { CommandRunner } from './main.ts';

const DAY = 86_400_000;
export const DEMO_DATA_DIR = './demo-data';
/** Long enough for the last cart of day two to reach its give-up age and be let go. */
const SIMULATED_DAYS = 10;

function intFlag(args: ParsedArgs, name: string, fallback: number, min: number, max: number) {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * The demo day starts at UTC midnight, far enough back that the whole simulation ends before
 * the real now: a `serve` started afterwards finds nothing of the demo still due.
 */
function startOf(args: ParsedArgs, now: number): number {
  const raw = args.flags.get('start');
  if (raw === undefined) return Math.floor(now / DAY) * DAY - SIMULATED_DAYS * DAY;
  if (typeof raw !== 'string' || !isDay(raw)) {
    throw new UsageError('--start must be a date like 2026-11-23');
  }
  return Date.parse(`${raw}T00:00:00Z`);
}

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
const quietText = (q: QuietHours | null) =>
  q === null ? 'off' : `${hhmm(q.startMinute)}-${hhmm(q.endMinute)}`;

/** The demo day's sheet, as the nightly export would write it, and the month so far. */
async function exportAndSummarise(
  runtime: LocalRuntime,
  start: number,
  envPrefix: string,
  log: (line: string) => void,
): Promise<void> {
  const day = localDay(start, runtime.config.policy.storeTimeZone);
  const sheet = await runtime.exporter.exportDay(day);
  log(`  ${"the day's sheet".padEnd(26)} ${sheet.rows} carts of ${day}:`);
  for (const location of sheet.locations) log(`${' '.repeat(29)}${location}`);
  const month = day.slice(0, 7);
  const { summary, cost } = await runtime.reports.monthSummary(month);
  log('');
  log(`The month so far (${envPrefix}npx cart-recovery summary --month ${month}):`);
  log('');
  log(formatSummaryTable(summary, cost).trimEnd());
}

/** The demo's data dir: its own, and refused when it is the one `serve` would use. */
function demoDataDir(args: ParsedArgs, env: NodeJS.ProcessEnv): string {
  const raw = args.flags.get('data-dir');
  const dir = typeof raw === 'string' ? raw : DEMO_DATA_DIR;
  const served = parseConfig(env).dataDir;
  if (resolve(dir) === resolve(served)) {
    throw new UsageError(
      `--data-dir ${dir} is the data dir serve uses (${env.CR_DATA_DIR === undefined ? 'the default' : 'CR_DATA_DIR'}); the demo's fake carts would count in its summary, pick another folder`,
    );
  }
  return dir;
}

export const runDemo: CommandRunner = async (args, { log, env }) => {
  const dataDir = demoDataDir(args, env);
  const config = parseConfig({ ...env, CR_DATA_DIR: dataDir });
  const seed = intFlag(args, 'seed', 42, 0, 2 ** 31);
  const count = intFlag(args, 'carts', 300, 20, 5000);
  const start = startOf(args, Date.now());
  const clock = createManualClock(start);
  const outboxDir = join(config.dataDir, 'outbox');
  // Always the outbox, whatever CR_MAIL says: demo shoppers are not real people to email.
  const demoMailer = createDemoMailer(
    createOutboxMailer({ dir: outboxDir, now: () => clock.now() }),
    clock,
  );
  const runtime = openLocalRuntime(config, { clock, mailer: demoMailer.mailer });
  // A simulated week is thousands of small commits; the demo needs them consistent, not each
  // fsynced (WAL with NORMAL stays consistent after a crash; `serve` keeps FULL).
  runtime.db.pragma('synchronous = NORMAL');
  try {
    // Each run on the same data dir gets its own ids, so a second run is a second day's story.
    let run = 1;
    while ((await runtime.store.get(`d${run}-c0001`)) !== null) run++;
    const plan = buildPlan({ seed, carts: count, start, idPrefix: `d${run}-` });
    log(
      `cart-recovery demo: playing in ${resolve(dataDir)} (its own data dir; serve's ${parseConfig(env).dataDir} is untouched), ${count} carts, run ${run}`,
    );
    const began = performance.now();
    const played = await playDemo({
      runtime,
      clock,
      demoMailer,
      plan,
      end: start + SIMULATED_DAYS * DAY,
    });
    const tally = await tallyDemo(runtime.store, plan);
    const owner = runtime.owners[0];
    // Every command the demo suggests must read the demo's dir, not serve's.
    const envPrefix = `CR_DATA_DIR=${shellWord(dataDir)} `;
    const lines = formatReport(tally, {
      from: start,
      to: played.endedAt,
      seed,
      realSeconds: (performance.now() - began) / 1000,
      dataDir: config.dataDir,
      outboxDir,
      emlFiles: existsSync(outboxDir)
        ? readdirSync(outboxDir).filter((name) => name.endsWith('.eml')).length
        : 0,
      envPrefix,
      ownerName: owner?.name ?? 'owner',
      generatedOwnerToken: config.owners === undefined ? (owner?.token ?? null) : null,
      publicUrl: config.publicUrl,
      quietHours: quietText(config.policy.quietHours),
      frequencyCap:
        config.policy.frequencyCapMs === null
          ? 'off'
          : `${config.policy.frequencyCapMs / 3_600_000} h`,
    });
    for (const line of lines) log(line);
    await exportAndSummarise(runtime, start, envPrefix, log);
    return 0;
  } finally {
    await runtime.close();
  }
};
