/**
 * HTTP errors, mapped in one place: what an error means (its status and the words that explain
 * it) is decided once here; app.onError answers it as JSON, and the routes a person opens from an
 * email answer it as a page when a browser asks. Every 4xx says what was wrong and where.
 */

import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isPortFault, isStorageCode } from '../ports/fault.ts';

export interface ErrorDetail {
  readonly path: string;
  readonly problem: string;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  /** Response headers the answer must carry (a 429's Retry-After). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }
}

/**
 * 429 with Retry-After in whole seconds (at least 1): when the client may ask again. The words
 * say what was limited, so a shopper or a script knows it was not their link or token.
 */
export function tooManyRequests(what: string, retryAfterMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new HttpError(429, `too many requests ${what}; try again in ${seconds} s`, [], {
    headers: { 'Retry-After': String(seconds) },
  });
}

/** How long a client is asked to wait before retrying a write the disk could not take. */
export const STORAGE_RETRY_AFTER_S = 30;

// A port's fault error says itself whether its storage is full or failing (ports/fault.ts): its
// adapters translated SQLite's and DynamoDB's errors, and that is what is asked first. An error
// no port translated (the outbox's files have no port fault yet; a path that slipped through)
// is still known by its own code, by the same rule the ports use.
function isStorageFault(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isPortFault(e)) return e.storageFull;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && isStorageCode(code)) return true;
  }
  return false;
}

/**
 * A write the disk refused (full, or failing) is the service being unavailable for a while, not
 * a bug: 503 with Retry-After, so a store's webhook retries later and nothing is lost. Reads are
 * not affected and keep answering.
 */
export function storageUnavailable(error: unknown): HttpError | null {
  if (!isStorageFault(error)) return null;
  return new HttpError(
    503,
    `the database cannot take writes right now (disk full or failing); nothing was stored, try again in ${STORAGE_RETRY_AFTER_S} s`,
    [],
    { cause: error, headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_S) } },
  );
}

/** An error as the client hears it. */
export interface Problem {
  readonly status: ContentfulStatusCode;
  readonly error: string;
  readonly details: readonly ErrorDetail[];
  readonly headers?: Readonly<Record<string, string>>;
}

export function errorBody(error: HttpError): { error: string; details: readonly ErrorDetail[] } {
  return { error: error.message, details: error.details };
}

/** Known errors become their status, faults a 500 that leaks nothing (and is logged). */
export function problemOf(error: Error, c: Context): Problem {
  if (error instanceof HttpError) {
    return { status: error.status, ...errorBody(error), headers: error.headers };
  }
  const unavailable = storageUnavailable(error);
  if (unavailable !== null) {
    console.error(`[http] ${c.req.method} ${c.req.path}: ${unavailable.message}: ${error.message}`);
    return { status: 503, ...errorBody(unavailable), headers: unavailable.headers };
  }
  // Hono's own HTTPException (e.g. from middleware) carries a status too.
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status: status as ContentfulStatusCode,
      error: error.message || 'bad request',
      details: [],
    };
  }
  console.error(`[http] ${c.req.method} ${c.req.path} failed:`, error);
  return {
    status: 500,
    error: 'internal error; nothing was changed by this request unless it said so',
    details: [],
  };
}

/** The one mapper for every API route. */
export function handleError(error: Error, c: Context): Response {
  const { status, headers, ...body } = problemOf(error, c);
  for (const [name, value] of Object.entries(headers ?? {})) c.header(name, value);
  return c.json(body, status);
}

/**
 * A browser following a link asks for text/html first; API clients, mail clients' one-click POST
 * and curl (which takes any type) do not, and keep the JSON body they can parse.
 */
export function prefersHtml(c: Context): boolean {
  const type = accepts(c, {
    header: 'Accept',
    supports: ['application/json', 'text/html'],
    default: 'application/json',
  });
  return type === 'text/html';
}

/**
 * For routes a shopper opens from an email: the same problem, as a page when a browser asks for
 * one, so nobody lands on raw JSON; everyone else still gets JSON.
 */
export function pageErrors(page: (problem: Problem) => string) {
  return (error: Error, c: Context): Response => {
    const problem = problemOf(error, c);
    for (const [name, value] of Object.entries(problem.headers ?? {})) c.header(name, value);
    if (!prefersHtml(c))
      return c.json({ error: problem.error, details: problem.details }, problem.status);
    return c.html(page(problem), problem.status);
  };
}
