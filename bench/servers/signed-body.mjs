// The unavoidable work of intake, shared by the bench's baselines: read the body, verify the
// same HMAC signature cart-recovery checks (401 when it does not match), parse the JSON. The
// handler gets the parsed body and its text.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function onSignedBody(secret, handler) {
  return (req, res) => {
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
      const text = raw.toString('utf8');
      handler(JSON.parse(text), text, res);
    });
  };
}
