/**
 * Serving the app on Node. Everything goes through Hono except `POST /events`, the hot path a
 * store hits on every cart change: it skips the Request/Response adaptation and calls the very
 * same handler the Hono route uses (createEventHandler), with the same limits and error bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { errorBody, HttpError, storageUnavailable } from './errors.ts';
import type { EventHandler } from './events-route.ts';
import { MAX_BODY_BYTES, tooLarge } from './request-body.ts';

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // A chunked body has no length up front. Stop keeping it, but do not destroy the socket
        // here: the client must read its 413. The answer closes the connection behind it.
        req.off('data', collect);
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', collect);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A server that could not start listening, said in one line with the fix. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

function listenProblem(code: unknown, port: number, host: string): string | null {
  switch (code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is in use (another cart-recovery? set CR_PORT)`;
    case 'EACCES':
      return `port ${port} on ${host} needs privileges this user lacks (use a port above 1024 behind a proxy; set CR_PORT)`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `${host} is not an address of this machine (set CR_HOST, e.g. 127.0.0.1)`;
    default:
      return null;
  }
}

/** Listens, turning the usual start-up failures into a ListenError instead of a stack. */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (error: Error & { code?: unknown }) => {
      const problem = listenProblem(error.code, port, host);
      reject(problem === null ? error : new ListenError(problem, { cause: error }));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

export function createNodeServer(app: Hono, handleEvent: EventHandler): Server {
  const viaHono = getRequestListener(app.fetch);
  return createServer((req, res) => {
    if (req.method !== 'POST' || (req.url !== '/events' && !req.url?.startsWith('/events?'))) {
      void viaHono(req, res);
      return;
    }
    void (async () => {
      try {
        const raw = await readBody(req);
        if (raw === null) {
          // The rest of the body is still arriving: answer, then close rather than read it all.
          res.setHeader('connection', 'close');
          const refused = tooLarge();
          handleEvent.rejected(refused);
          throw refused;
        }
        const answer = await handleEvent(
          raw,
          req.headers['x-cr-signature'] as string | undefined,
          req.headers['content-type'],
        );
        send(res, 200, answer);
      } catch (thrown) {
        const unavailable = storageUnavailable(thrown);
        if (unavailable !== null) {
          console.error(
            `[http] POST /events: ${unavailable.message}: ${(thrown as Error).message}`,
          );
        }
        const error = unavailable ?? thrown;
        if (error instanceof HttpError) {
          if (!res.headersSent) send(res, error.status, errorBody(error), error.headers);
          return;
        }
        console.error('[http] POST /events failed:', error);
        if (!res.headersSent)
          send(res, 500, { error: 'internal error; the event was not stored', details: [] });
      }
    })();
  });
}
