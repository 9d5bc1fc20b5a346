// The baseline: a bare node:http server that does the unavoidable work of intake (read the body,
// verify the same HMAC signature, parse the JSON) and answers 200. No validation, no storage.
import { createServer } from 'node:http';
import { onSignedBody } from './signed-body.mjs';

const server = createServer(
  onSignedBody(process.env.CR_WEBHOOK_SECRET, (body, _text, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cart: { id: body.cart.id, status: 'open' }, duplicate: false }));
  }),
);
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
