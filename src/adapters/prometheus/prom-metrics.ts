/**
 * The Metrics port over prom-client, the standard Prometheus client for Node. Each instance has
 * its own Registry, never the global one: two apps in one process (tests, the demo beside a
 * server) count apart, and nothing registers a name twice.
 *
 * Gauges are read when scraped, not kept up to date: the count of due carts is one COUNT over the
 * due index, the file sizes two stat calls, and a scrape every 15 s costs nothing noticeable.
 */
import { statSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { EventLane, type Metrics } from '../../ports/metrics.ts';

export interface PromMetricsOptions {
  /** How many carts have a wake-up due now that has not run yet; absent: no such gauge. */
  readonly dueCarts?: () => number | Promise<number>;
  /** The SQLite database file; its size and its WAL's are reported. Absent (AWS): no gauge. */
  readonly sqlitePath?: string;
}

/** Seconds from a step coming due to its send: the loop's poll, then quiet hours and caps. */
const LATENESS_BUCKETS = [1, 10, 60, 300, 900, 3_600, 4 * 3_600, 12 * 3_600, 86_400, 3 * 86_400];

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // No WAL file between checkpoints, or no database yet: nothing on disk.
    return 0;
  }
}

export function createPromMetrics(options: PromMetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  const accepted = new Counter({
    name: 'cart_recovery_events_accepted_total',
    help: 'Cart events stored (duplicates included), by lane.',
    labelNames: ['lane'],
    registers,
  });
  const rejected = new Counter({
    name: 'cart_recovery_events_rejected_total',
    help: 'Cart events refused, by lane and reason.',
    labelNames: ['lane', 'reason'],
    registers,
  });
  const sent = new Counter({
    name: 'cart_recovery_reminders_sent_total',
    help: 'Reminder emails sent, by step.',
    labelNames: ['step'],
    registers,
  });
  const failed = new Counter({
    name: 'cart_recovery_reminders_failed_total',
    help: 'Reminder sends that failed, by step; permanent ones are not retried.',
    labelNames: ['step', 'kind'],
    registers,
  });
  const lateness = new Histogram({
    name: 'cart_recovery_reminder_lateness_seconds',
    help: 'Seconds from a reminder step coming due to its send (gate holds included).',
    buckets: LATENESS_BUCKETS,
    registers,
  });
  // Every lane shows from the first scrape, so a rate over it starts at zero rather than absent.
  for (const lane of Object.values(EventLane)) accepted.inc({ lane }, 0);

  const { dueCarts, sqlitePath } = options;
  if (dueCarts !== undefined) {
    new Gauge({
      name: 'cart_recovery_due_carts',
      help: 'Carts whose wake-up is due and has not run yet.',
      registers,
      async collect() {
        this.set(await dueCarts());
      },
    });
  }
  if (sqlitePath !== undefined) {
    new Gauge({
      name: 'cart_recovery_sqlite_bytes',
      help: 'Size of the SQLite database file and of its write-ahead log.',
      labelNames: ['file'],
      registers,
      collect() {
        this.set({ file: 'database' }, sizeOf(sqlitePath));
        this.set({ file: 'wal' }, sizeOf(`${sqlitePath}-wal`));
      },
    });
  }

  return {
    eventAccepted: (lane) => accepted.inc({ lane }),
    eventRejected: (lane, reason) => rejected.inc({ lane, reason }),
    reminderSent(step, latenessMs) {
      sent.inc({ step: String(step) });
      lateness.observe(Math.max(0, latenessMs) / 1000);
    },
    reminderFailed: (step, permanent) =>
      failed.inc({ step: String(step), kind: permanent ? 'permanent' : 'transient' }),
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
