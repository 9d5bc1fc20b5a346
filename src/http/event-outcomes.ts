/**
 * What the event lanes (POST /events, each platform's /webhooks/<name>, /snippet/events) tell the
 * operator about each event: a counter for every accepted one; for every refused one a counter by
 * reason and one log line with the lane, the status, the reason and the cart id when it is known. Never
 * the body, the email or the items: the fields named in a 400 are listed by path only.
 */
import { type Log, silentLog, withoutAddresses } from '../ports/log.ts';
import { type LaneName, type Metrics, noMetrics } from '../ports/metrics.ts';
import { HttpError, storageUnavailable } from './errors.ts';

export interface EventObservers {
  readonly log?: Log;
  readonly metrics?: Metrics;
}

const BY_STATUS: Readonly<Record<number, string>> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'disabled',
  409: 'id_reused',
  413: 'too_large',
  415: 'not_json',
  429: 'rate_limited',
  503: 'unavailable',
};

/** A short code for why an event was refused: a metric label, so a small fixed set. */
export function rejectionReason(error: unknown): string {
  if (storageUnavailable(error) !== null) return 'unavailable';
  if (!(error instanceof HttpError)) return 'error';
  // Both signed and browser lanes word a link off the store's hosts this way.
  if (error.status === 400 && error.message.startsWith('links must')) return 'off_store';
  return BY_STATUS[error.status] ?? `http_${error.status}`;
}

export interface EventObserver {
  accepted(): void;
  /** `cartId`: the row the event was for, once it is known (null before the body is read). */
  rejected(error: unknown, cartId: string | null): void;
}

export function observeEvents(lane: LaneName, deps: EventObservers): EventObserver {
  const log = deps.log ?? silentLog;
  const metrics = deps.metrics ?? noMetrics;
  return {
    accepted: () => metrics.eventAccepted(lane),
    rejected(thrown, cartId) {
      // A disk that cannot take writes answers 503 (errors.ts): a refusal, not a bug.
      const error = storageUnavailable(thrown) ?? thrown;
      const reason = rejectionReason(error);
      metrics.eventRejected(lane, reason);
      if (error instanceof HttpError) {
        // Paths only, and blanked: a strict schema names unknown keys, and a key is sender text.
        const paths = error.details.map((detail) => detail.path).join(', ');
        log.warn('event.rejected', {
          lane,
          status: error.status,
          reason,
          problem: error.message,
          fields: paths === '' ? undefined : withoutAddresses(paths).slice(0, 300),
          cartId,
        });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      log.error('event.failed', { lane, cartId, error: withoutAddresses(message).slice(0, 300) });
    },
  };
}
