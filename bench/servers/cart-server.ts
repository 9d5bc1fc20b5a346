// The real thing for the intake benchmark: the same runtime `npm start` runs (SQLite file with
// synchronous=FULL, the timer loop, the Hono app on @hono/node-server), on a temp data dir.
import { serve } from '@hono/node-server';
import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';

const runtime = openLocalRuntime(parseConfig(process.env));
runtime.loop.start();
const server = serve({ fetch: runtime.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`PORT ${info.port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void runtime.close().then(() => process.exit(0));
});
