/**
 * A local stand-in for Stripe's API (node:http on a free port): it serves a session's line items
 * in pages as Stripe does (`limit`, `starting_after`, `has_more`), answers 401 to a request
 * without the expected key, and records every request so a test can check what was asked.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly authorization: string | undefined;
}

export interface StripeStandIn {
  readonly baseUrl: string;
  readonly requests: SeenRequest[];
  /** Every call answers this status from now on (500, 403...), or 200 again with null. */
  failWith(status: number | null): void;
  /** A fetch that sends api.stripe.com requests here instead (any other goes out unchanged). */
  readonly fetch: typeof fetch;
  close(): Promise<void>;
}

// Kept before any test stubs the global fetch with this stand-in's own.
const realFetch = globalThis.fetch;
const fixture = (name: string) => readFileSync(`test/fixtures/stripe/${name}.json`, 'utf8');

/** Pages of line items by session id: the first page, then the one after each page's last id. */
export const DEFAULT_PAGES: Record<string, string[]> = {
  cs_live_a1Qm7Zt3Kd9Xw2Lp5Rv8Bn4Hc6Jf0Gy1Ue3Ti7Oa9Ps2Dk5Lm: [
    fixture('line-items-page-1'),
    fixture('line-items-page-2'),
  ],
};

export async function startStripeStandIn(
  apiKey: string,
  pages: Record<string, string[]> = DEFAULT_PAGES,
): Promise<StripeStandIn> {
  const requests: SeenRequest[] = [];
  let failure: number | null = null;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: string) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    if (failure !== null) return send(failure, '{"error":{"message":"stand-in failure"}}');
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return send(401, '{"error":{"type":"invalid_request_error","message":"Invalid API Key"}}');
    }
    const match = /^\/v1\/checkout\/sessions\/([^/]+)\/line_items$/.exec(url.pathname);
    const sessionPages = match ? pages[decodeURIComponent(match[1] ?? '')] : undefined;
    if (req.method !== 'GET' || sessionPages === undefined) {
      return send(404, '{"error":{"message":"No such checkout session"}}');
    }
    const after = url.searchParams.get('starting_after');
    const index =
      after === null
        ? 0
        : sessionPages.findIndex(
            (page) => (JSON.parse(page).data as { id: string }[]).at(-1)?.id === after,
          ) + 1;
    const page = sessionPages[index];
    return page === undefined ? send(400, '{"error":{"message":"bad cursor"}}') : send(200, page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    requests,
    failWith: (status) => {
      failure = status;
    },
    fetch: (input, init) => {
      const url = new URL(String(input instanceof Request ? input.url : input));
      if (url.host !== 'api.stripe.com') return realFetch(input, init);
      return realFetch(`${baseUrl}${url.pathname}${url.search}`, init);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
