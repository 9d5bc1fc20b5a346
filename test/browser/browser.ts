/** Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a real HTTP server. */
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CR_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet flags: no network of its own, no GPU, no first-run chatter, so runs are repeatable. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves a Hono app over real HTTP on 127.0.0.1 at a free port. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its Env
export async function serveApp(app: Hono<any>): Promise<Served> {
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
