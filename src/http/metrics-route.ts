/**
 * GET /metrics: the Prometheus text exposition, behind `Authorization: Bearer <CR_METRICS_TOKEN>`.
 * Without CR_METRICS_TOKEN the route does not exist (404), so a server nobody scrapes shows
 * nothing; a wrong or missing token is a 401. The counters name lanes, reasons and steps only,
 * but how many carts a store has is still the owner's business.
 */
import { Hono } from 'hono';
import type { Metrics } from '../ports/metrics.ts';
import { HttpError } from './errors.ts';
import { findOwner } from './owner-auth.ts';

export interface MetricsRouteDeps {
  /** CR_METRICS_TOKEN; undefined: 404. */
  readonly metricsToken: string | undefined;
  readonly metrics: Metrics;
}

const BEARER = /^Bearer\s+(\S+)$/i;

export function metricsRoute({ metricsToken, metrics }: MetricsRouteDeps): Hono {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    if (metricsToken === undefined) {
      throw new HttpError(404, 'metrics are not enabled (set CR_METRICS_TOKEN)');
    }
    const presented = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    // The same constant-time comparison as owner tokens, over one token.
    const known = [{ name: 'metrics', token: metricsToken }];
    if (presented === undefined || findOwner(known, presented) === null) {
      throw new HttpError(
        401,
        'unauthorized',
        [
          {
            path: '(headers).authorization',
            problem:
              presented === undefined
                ? 'expected "Authorization: Bearer <CR_METRICS_TOKEN>"'
                : 'not the metrics token',
          },
        ],
        { headers: { 'WWW-Authenticate': 'Bearer realm="cart-recovery metrics"' } },
      );
    }
    const { contentType, body } = await metrics.exposition();
    c.header('content-type', contentType);
    c.header('cache-control', 'no-store');
    return c.body(body);
  });
  return app;
}
