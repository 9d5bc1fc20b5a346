/** The simulated month's figures: per-unit usage, the priced month beside the estimator, the assumptions file. */
import { writeFileSync } from 'node:fs';
import { AWS_PRICES_US_EAST_1 } from '../src/domain/aws-prices.ts';
import { type CostBreakdown, costForMonth, type UsageCounts } from '../src/domain/cost.ts';
import {
  DEFAULT_ASSUMPTIONS,
  estimateForCarts,
  monthColdStarts,
  storedBytesPerMonthlyCart,
} from '../src/domain/cost-estimate.ts';
import type { Bucket, MonthResult } from './aws-month.ts';
import { fmt } from './lib.ts';

/** Deployed memory (infra/stack.ts): http 512 MB, waiter 512 MB, ses-feedback 256 MB. */
const MEMORY_MB = { http: 512, waiter: 512, sesFeedback: 256 } as const;
/** Lambda's own START, END and REPORT lines per invocation (approximate, not measured here). */
const PLATFORM_LOG_BYTES = 260;
/** The estimator's hard-coded guesses before this bench, kept for the record. */
const GUESSES = {
  wruPerEvent: 2,
  rruPerEvent: 1,
  wruPerWakeUp: 2,
  rruPerWakeUp: 2,
  // 4,000 bytes a cart, kept 12 months, as one kind.
  cartBytesPerCart: 4000,
  tombstoneBytesPerCart: 4000,
  auditBytesPerCart: 0,
  eventMarkerBytesPerCart: 0,
  cartDaysKept: 365,
  initMsPerColdStart: 0,
  wakeUpsPerAbandonedCart: 5,
  logBytesPerInvocation: 2000,
  lambdaMemoryMb: 256,
};

const per = (b: Bucket) => ({
  wru: b.count > 0 ? b.writeUnits / b.count : 0,
  rru: b.count > 0 ? b.readUnits / b.count : 0,
  requests: b.count > 0 ? b.requests / b.count : 0,
});

export function measuredAssumptions(r: MonthResult) {
  const invocations = r.invocations.http + r.invocations.waiter + r.invocations.sesFeedback;
  const memory =
    (r.invocations.http * MEMORY_MB.http +
      r.invocations.waiter * MEMORY_MB.waiter +
      r.invocations.sesFeedback * MEMORY_MB.sesFeedback) /
    Math.max(1, invocations);
  const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    eventsPerCart: round(r.events.count / r.carts),
    wruPerEvent: round(per(r.events).wru),
    rruPerEvent: round(per(r.events).rru),
    wruPerWakeUp: round(per(r.wakeUps).wru),
    rruPerWakeUp: round(per(r.wakeUps).rru),
    wakeUpsPerAbandonedCart: round(r.wakeUps.count / Math.max(1, r.wokenCarts)),
    cartBytesPerCart: Math.round(r.storage.cartsWhole / r.carts),
    tombstoneBytesPerCart: Math.round(r.storage.tombstones / r.carts),
    auditBytesPerCart: Math.round(r.storage.audit / r.carts),
    eventMarkerBytesPerCart: Math.round(r.storage.eventMarkers / r.carts),
    logBytesPerInvocation: Math.round(r.logBytes / Math.max(1, invocations) + PLATFORM_LOG_BYTES),
    lambdaMemoryMb: Math.round(memory),
  };
}

/**
 * The store behaviour the bench played (shares of carts abandoned and mailed, steps, events a
 * cart), derived from the run, so the estimator can be handed the same inputs the meter saw.
 * Clicks are not simulated. Full precision: the comparison must not drift by rounding.
 */
export function benchShares(r: MonthResult) {
  const woken = Math.max(1, r.wokenCarts);
  return {
    eventsPerCart: r.events.count / r.carts,
    shareAbandoned: r.wokenCarts / r.carts,
    shareWithEmail: r.abandonedWithEmail / woken,
    steps: r.remindersSent / Math.max(1, r.abandonedWithEmail),
    wakeUpsPerAbandonedCart: r.wakeUps.count / woken,
    clicksPerReminder: 0,
  };
}

function measuredUsage(r: MonthResult): UsageCounts {
  const a = measuredAssumptions(r);
  const invocations =
    r.invocations.http +
    r.invocations.waiter +
    r.invocations.sesFeedback +
    DEFAULT_ASSUMPTIONS.scheduledRunsPerMonth;
  const gbPerMs = a.lambdaMemoryMb / (1000 * 1024);
  const d = DEFAULT_ASSUMPTIONS;
  // Unrounded bytes by kind, each kept as long as the code keeps it (cost-estimate.ts's model).
  const stored = storedBytesPerMonthlyCart({
    ...d,
    cartBytesPerCart: r.storage.cartsWhole / r.carts,
    tombstoneBytesPerCart: r.storage.tombstones / r.carts,
    auditBytesPerCart: r.storage.audit / r.carts,
    eventMarkerBytesPerCart: r.storage.eventMarkers / r.carts,
  });
  return {
    lambdaInvocations: invocations,
    // Neither duration nor cold starts are measurable on DynamoDB Local: the estimator's figures.
    lambdaGbSeconds: invocations * d.lambdaMsPerInvocation * gbPerMs,
    lambdaInitGbSeconds:
      monthColdStarts(
        {
          http: r.invocations.http,
          waiter: r.invocations.waiter + r.invocations.sesFeedback,
          scheduled: d.scheduledRunsPerMonth,
        },
        d.warmMinutes,
      ) *
      d.initMsPerColdStart *
      gbPerMs,
    dynamoWrites: r.events.writeUnits + r.wakeUps.writeUnits + r.feedback.writeUnits,
    dynamoReads: r.events.readUnits + r.wakeUps.readUnits + r.feedback.readUnits,
    storageGb: (r.carts * stored) / 1e9,
    schedulerInvocations: r.wakeUps.count,
    emailsSent: r.sesCalls,
    logGb: (invocations * a.logBytesPerInvocation) / 1e9,
    recoveredOrders: 0,
  };
}

export function writeAssumptionsFile(
  r: MonthResult,
  machine: string,
  path = 'src/domain/aws-usage-assumptions.ts',
) {
  const a = measuredAssumptions(r);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const { shareAbandoned, shareWithEmail, steps } = benchShares(r);
  const shares = { shareAbandoned, shareWithEmail, steps };
  const date = new Date().toISOString().slice(0, 10);
  const body = `/**
 * AWS usage per unit of work, MEASURED by bench/aws-month.ts (\`npm run bench -- aws-month --write-assumptions\`):
 * ${r.carts} carts through the real Lambda handlers on DynamoDB Local over ${r.auditRows} pre-filled audit rows,
 * every DynamoDB request priced by AWS's billing rules (src/adapters/dynamodb/dynamodb-meter.ts). Generated; do not edit
 * by hand, run the bench again. Lambda duration is not measurable on DynamoDB Local and stays a stated guess in cost.ts.
 */
export const MEASURED_AWS_USAGE = {
  measuredOn: '${date}',
  bench: 'bench/aws-month.ts',
  machine: '${machine.replaceAll("'", "\\'")}',
  carts: ${r.carts},
  auditRows: ${r.auditRows},
${Object.entries(a)
  .map(([k, v]) => `  ${k}: ${v},`)
  .join('\n')}
  /** The bench's simulated store (not any real store's): cost.ts keeps its own guesses for these. */
${Object.entries(shares)
  .map(([k, v]) => `  ${k}: ${round(v)},`)
  .join('\n')}
} as const;
`;
  writeFileSync(path, body);
}

/**
 * The same meter's figures before lean writes (issue 15; measured 2026-12-01, 200 carts): every
 * change a transaction, a seen-event item per event, whole-row index projections with moving keys.
 */
const BEFORE_LEAN = {
  wruPerCart: 104.87,
  rruPerCart: 22.96,
  wruPerEvent: 13.04,
  wruPerWakeUp: 19.57,
  bytesStoredPerCart: 17_212,
};

const n2 = (x: number) => fmt(x, 2);
const money = (c: CostBreakdown, key: string) =>
  c.lines.find((l) => `${l.service} ${l.item}` === key);

export function awsMonthMarkdown(r: MonthResult): string {
  const a = measuredAssumptions(r);
  const measured = costForMonth(measuredUsage(r), AWS_PRICES_US_EAST_1, { freeTier: false });
  // The estimator handed this run's inputs: its per-unit usage and the bench's store behaviour.
  const estimate = estimateForCarts(r.carts, {
    ...DEFAULT_ASSUMPTIONS,
    ...a,
    ...benchShares(r),
  }).cost;
  const within = (measuredMicros: number, estimatedMicros: number | undefined) => {
    if (estimatedMicros === undefined) return 'n/a';
    if (measuredMicros === 0) return estimatedMicros === 0 ? 'yes' : 'no';
    const off = (estimatedMicros - measuredMicros) / measuredMicros;
    return `${Math.abs(off) <= 0.15 ? 'yes' : 'no'} (${off >= 0 ? '+' : ''}${(off * 100).toFixed(1)}%)`;
  };
  const guessed = estimateForCarts(r.carts, { ...DEFAULT_ASSUMPTIONS, ...GUESSES }).cost;
  const lines = measured.lines.map((l) => {
    const key = `${l.service} ${l.item}`;
    const est = money(estimate, key);
    return `| ${key} | ${fmt(l.quantity, 2)} | $${l.cost} | $${est?.cost ?? 'n/a'} | ${within(l.costMicros, est?.costMicros)} | $${money(guessed, key)?.cost ?? 'n/a'} |`;
  });
  const unit = (name: string, b: Bucket) => {
    const p = per(b);
    return `| ${name} | ${b.count} | ${n2(p.requests)} | ${n2(p.rru)} | ${n2(p.wru)} | ${n2(b.count > 0 ? b.indexWriteUnits / b.count : 0)} |`;
  };
  const top = (b: Bucket, by: 'byOperation' | 'byItemKind' = 'byOperation', count = 6) =>
    Object.entries(b[by])
      .sort(([, x], [, y]) => y.writeUnits + y.readUnits - (x.writeUnits + x.readUnits))
      .slice(0, count)
      .map(
        ([op, u]) =>
          `${op.replace(/-\d+-\d+/g, '')} ${n2(u.readUnits / Math.max(1, b.count))} RRU / ${n2(u.writeUnits / Math.max(1, b.count))} WRU`,
      )
      .join('; ');
  const lifeWru = (r.events.writeUnits + r.wakeUps.writeUnits + r.feedback.writeUnits) / r.carts;
  const lifeRru = (r.events.readUnits + r.wakeUps.readUnits + r.feedback.readUnits) / r.carts;
  return [
    '## A simulated month on AWS, metered by the billing rules (aws-month)',
    '',
    `${r.carts} carts arriving over 30 days (3 items with store-length product, image and restore URLs; 85% with an email; about a third buy, half before the first reminder, half after one or two), through the real Lambda handlers: POST /events as Function URL events, the waiter as Scheduler invokes it (a stand-in firing schedules in time order on a simulated clock, keeping Scheduler's rules), SES feedback as SNS delivers it (about 1% of reminders bounce, 0.2% complain). DynamoDB Local holds the data, over an audit table pre-filled with ${r.auditRows.toLocaleString('en-US')} rows of a year of earlier months. Every DynamoDB request is priced by AWS's documented on-demand rules at the SDK boundary (\`src/adapters/dynamodb/dynamodb-meter.ts\`), never by DynamoDB Local's ConsumedCapacity. Run time ${n2(r.seconds)} s.`,
    '',
    '| per unit of work | count | DynamoDB requests | RRU | WRU | of which GSI WRU |',
    '|---|---:|---:|---:|---:|---:|',
    unit('cart event (POST /events)', r.events),
    unit('wake-up (waiter)', r.wakeUps),
    unit('SES bounce or complaint', r.feedback),
    '',
    `- Per cart over its life: **${n2(lifeWru)} WRU, ${n2(lifeRru)} RRU**; ${n2(a.eventsPerCart)} events, ${n2(r.wakeUps.count / r.carts)} wake-ups (${n2(a.wakeUpsPerAbandonedCart)} per cart woken at least once), storage added (items, index copies and 100 bytes overhead each) ${fmt(r.storageBytesAdded / r.carts, 0)} bytes at the end, by how long it is kept: ${fmt(a.cartBytesPerCart, 0)} while a cart is whole (until CR_RETAIN_CARTS runs out), ${fmt(a.tombstoneBytesPerCart, 0)} left as its tombstone (kept for good), ${fmt(a.auditBytesPerCart, 0)} of audit rows and day tallies (400 days), ${fmt(a.eventMarkerBytesPerCart, 0)} of seen-event markers (30 days).`,
    `- Before lean writes (same meter, same month, ${BEFORE_LEAN.wruPerCart} WRU): **${n2(lifeWru)} WRU per cart against ${n2(BEFORE_LEAN.wruPerCart)}** (target at most 45), ${n2(lifeRru)} RRU against ${n2(BEFORE_LEAN.rruPerCart)}; ${n2(per(r.events).wru)} WRU per event against ${n2(BEFORE_LEAN.wruPerEvent)}, ${n2(per(r.wakeUps).wru)} per wake-up against ${n2(BEFORE_LEAN.wruPerWakeUp)}; ${fmt(r.storageBytesAdded / r.carts, 0)} bytes stored per cart at the month's end against ${fmt(BEFORE_LEAN.bytesStoredPerCart, 0)}.`,
    `- Where event units go: ${top(r.events)}.`,
    `- Where wake-up units go: ${top(r.wakeUps)}.`,
    `- Writes by item kind (partition key prefix), per event: ${top(r.events, 'byItemKind', 8)}; per wake-up: ${top(r.wakeUps, 'byItemKind', 8)}.`,
    `- Sender-health refresh alone (metered, after the day-tally change): ${r.refreshPoints.map((p) => `${n2(p.readUnits)} RRU in ${n2(p.requests)} requests over ${p.rowsInWindow.toLocaleString('en-US')} audit rows in the window`).join('; ')}. The pre-filled rows carry no day tallies (the application writes those), so this is the floor; inside the month the refreshes run for real over real tallies and are part of the wake-up figures.`,
    `- Scheduler API calls: ${Object.entries(r.scheduler)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )} (${n2(Object.values(r.scheduler).reduce((x, y) => x + y, 0) / r.carts)} per cart; Scheduler bills invocations, not API calls). SES SendEmail: ${r.sesCalls}. Application log bytes: ${r.logBytes}.`,
    '',
    `The month priced (us-east-1, prices as of ${measured.pricesAsKnownOn}, no free tier) beside the estimator (\`estimateForCarts\` in src/domain/cost-estimate.ts, the code behind \`cost --carts N\`) handed the same inputs: this run's per-unit usage (what --write-assumptions writes to src/domain/aws-usage-assumptions.ts) and this run's store behaviour (${n2(benchShares(r).eventsPerCart)} events a cart, ${fmt(benchShares(r).shareAbandoned * 100, 1)}% woken at least once (the estimator's abandoned share: with CR_RETAIN_CARTS every cart that ends wakes once more, for its tombstone), ${fmt(benchShares(r).shareWithEmail * 100, 1)}% of those mailed, ${n2(benchShares(r).steps)} reminders each, no clicks), and beside the estimator's guesses before this bench (2 WRU per event and per wake-up, 4,000 bytes a cart...). \`cost --carts N\` itself keeps its own store-behaviour guesses (${DEFAULT_ASSUMPTIONS.eventsPerCart} events a cart, ${DEFAULT_ASSUMPTIONS.shareAbandoned * 100}% abandoned, ${DEFAULT_ASSUMPTIONS.shareWithEmail * 100}% with an email, ${DEFAULT_ASSUMPTIONS.steps} steps), since a real store's shoppers are not the bench's. Storage is quoted after ${DEFAULT_ASSUMPTIONS.monthsRunning} months of running, each kind of bytes this month added kept as long as the code keeps it (carts whole for ${DEFAULT_ASSUMPTIONS.cartDaysKept} days, then their tombstones; audit rows 400 days; event markers 30 days), as the estimator counts it: ${fmt(storedBytesPerMonthlyCart({ ...DEFAULT_ASSUMPTIONS, ...a }), 0)} byte-months per monthly cart. Lambda duration and cold starts are not measured (DynamoDB Local's latency is not AWS's): ${DEFAULT_ASSUMPTIONS.lambdaMsPerInvocation} ms per invocation, cold starts where no invocation came in the ${DEFAULT_ASSUMPTIONS.warmMinutes} minutes before (random arrivals), each with ${DEFAULT_ASSUMPTIONS.initMsPerColdStart} ms of INIT (the module-init bench's figure), at the deployed memory sizes (${a.lambdaMemoryMb} MB weighted).`,
    '',
    '| line | measured quantity | measured | estimator, same inputs | within 15% | old guesses |',
    '|---|---:|---:|---:|---:|---:|',
    ...lines,
    `| **total** | | **$${measured.total}** | **$${estimate.total}** | ${within(measured.totalMicros, estimate.totalMicros)} | **$${guessed.total}** |`,
    '',
    "Approximations in the meter (see the file comments): number sizes use the guide's \"about one byte per two digits\"; sets carry no per-element overhead; a GSI write under an unchanged key is priced on the larger of old and new projection; a cancelled transaction is billed its prepare phase (one standard write per item at its current size; AWS bills it but reports no figure); a ConditionCheck is a transactional write of the checked item (2 units per KB, as measured on real DynamoDB by paritysuite/dynamodb-conformance); Query pages are re-read without filter and projection to size what the key condition read. The shares handed to the estimator above (abandoned, mailed, steps, events a cart) are the bench's simulated store, derived from this run; `cost --carts N` keeps its own guesses for a real store's shoppers (the assumptions file records the bench's shares beside the per-unit usage; cost.ts reads only the usage). Not done, measured first: audit rows still carry the cart before and after, since compressed together they are about as small as one (a row with the whole after and only the changed fields of before measured 1-4 bytes smaller); a row of the changed fields alone would be about 0.4 KB, one write unit instead of two (about 3 WRU a cart), but then no reader could show the whole carts the owner API and `audit --json` show today.",
  ].join('\n');
}
