/**
 * Counters the use cases and routes move, and their Prometheus exposition for `GET /metrics`.
 * Adapter: prom-client over its own registry (adapters/prometheus/prom-metrics.ts); `noMetrics` where
 * nothing is wired. Labels are small closed sets (lane, reason code, step): never a cart id.
 */

/** Which entry point an event came in on. */
export const EventLane = { events: 'events', shopify: 'shopify', snippet: 'snippet' } as const;
export type EventLane = (typeof EventLane)[keyof typeof EventLane];
/** An EventLane, or a registered store platform's name (src/platforms/registry.ts). */
export type LaneName = EventLane | (string & {});

export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

export interface Metrics {
  eventAccepted(lane: LaneName): void;
  /** `reason` is a short code (`unauthorized`, `invalid`, `too_large`, ...), not free text. */
  eventRejected(lane: LaneName, reason: string): void;
  /** `latenessMs`: from when the step came due to when it was sent. */
  reminderSent(step: number, latenessMs: number): void;
  reminderFailed(step: number, permanent: boolean): void;
  /** Everything counted, and the gauges read now (due carts, file size). */
  exposition(): Promise<MetricsExposition>;
}

export const noMetrics: Metrics = {
  eventAccepted() {},
  eventRejected() {},
  reminderSent() {},
  reminderFailed() {},
  async exposition() {
    return { contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' };
  },
};
