/**
 * `serve` as an operator runs it: JSON log lines on stdout for its start, a refused event and its
 * stop, and GET /metrics over real HTTP. Waits are bounded polling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, freePort, startServe, stopServe } from '../support/serve-child.ts';

const SECRET = 'whsec_e2e_logs_0123456789abcdef';
const OWNER = 'own_e2e_logs_0123456789abcdef';
const METRICS = 'metrics_e2e_logs_0123456789abcdef';
const SMTP_PASSWORD = 'smtp-pass-never-logged';
const dataDir = mkdtempSync(join(tmpdir(), 'cr-serve-log-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('serve logs and metrics', () => {
  it('logs its start, a refused event and its stop as JSON lines, with no secret in them', async () => {
    const port = await freePort();
    const served = await startServe(
      {
        CR_DATA_DIR: dataDir,
        CR_WEBHOOK_SECRET: SECRET,
        CR_OWNERS: `sam:${OWNER}`,
        CR_METRICS_TOKEN: METRICS,
        // Nothing is mailed in this test; the URL is here so its password can be looked for.
        CR_MAIL: `smtp://shop:${SMTP_PASSWORD}@127.0.0.1:1`,
      },
      port,
    );
    try {
      const refused = await fetch(`${served.base}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cr-signature': 't=1,v1=00' },
        body: JSON.stringify({ cart: { id: 'c_1', email: 'sam@example.com' } }),
      });
      expect(refused.status).toBe(401);
      const scrape = await fetch(`${served.base}/metrics`, {
        headers: { authorization: `Bearer ${METRICS}` },
      });
      const text = await scrape.text();
      expect(text).toContain(
        'cart_recovery_events_rejected_total{lane="events",reason="unauthorized"} 1',
      );
    } finally {
      await stopServe(served);
    }
    const stdout = served.output().stdout;
    const lines = await eventually('the stop line', 5_000, () => {
      const all = jsonLines(stdout);
      return all.some((l) => l.event === 'service.stopped') ? all : undefined;
    });
    expect(lines.map((l) => l.event)).toEqual([
      'service.started',
      'event.rejected',
      'service.stopping',
      'service.stopped',
    ]);
    expect(lines[0]).toMatchObject({ level: 'info', port, dataDir, mail: 'smtp', metrics: true });
    expect(lines[1]).toMatchObject({ level: 'warn', lane: 'events', status: 401, cartId: null });
    expect(lines[2]).toMatchObject({ signal: 'SIGTERM' });
    const logged = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const secret of [SECRET, OWNER, METRICS, SMTP_PASSWORD, 'sam@example.com']) {
      expect(logged).not.toContain(secret);
    }
  });
});
