// The real thing for the intake benchmark: the same runtime `npm start` runs (SQLite file with
// synchronous=FULL, the timer loop, the Hono app on @hono/node-server), on a temp data dir.

import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { createNodeServer } from '../../src/http/node-server.ts';

const runtime = openLocalRuntime(parseConfig(process.env));
runtime.loop.start();
const server = createNodeServer(runtime.app, runtime.handleEvent);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void runtime.close().then(() => process.exit(0));
});
