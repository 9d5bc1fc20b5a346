/** HTTP errors, mapped to JSON in one place (app.onError). Every 4xx says what was wrong and where. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface ErrorDetail {
  readonly path: string;
  readonly problem: string;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorBody(error: HttpError): { error: string; details: readonly ErrorDetail[] } {
  return { error: error.message, details: error.details };
}

/** One mapper for every route: known errors become their status, faults a 500 that leaks nothing. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof HttpError) return c.json(errorBody(error), error.status);
  // Hono's own HTTPException (e.g. from middleware) carries a status too.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return c.json(
      { error: error.message || 'bad request', details: [] },
      status as ContentfulStatusCode,
    );
  }
  console.error(`[http] ${c.req.method} ${c.req.path} failed:`, error);
  return c.json(
    { error: 'internal error; nothing was changed by this request unless it said so', details: [] },
    500,
  );
}
