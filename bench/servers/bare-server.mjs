// The baseline: a bare node:http server that does the unavoidable work of intake (read the body,
// verify the same HMAC signature, parse the JSON) and answers 200. No validation, no storage.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const secret = process.env.CR_WEBHOOK_SECRET;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const header = req.headers['x-cr-signature'] ?? '';
    const t = /t=(\d+)/.exec(header)?.[1];
    const v1 = /v1=([0-9a-f]{64})/.exec(header)?.[1];
    const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
    if (!t || !v1 || !timingSafeEqual(Buffer.from(v1, 'hex'), expected)) {
      res.writeHead(401).end();
      return;
    }
    const body = JSON.parse(raw.toString('utf8'));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cart: { id: body.cart.id, status: 'open' }, duplicate: false }));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
