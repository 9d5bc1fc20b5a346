/**
 * `backup DEST` of a live serve and `restore SRC` into a new data dir, with real processes: the
 * copy holds what the live process had only in its WAL, the restored data dir serves, and an
 * unsubscribe link mailed before the backup still works there (the secrets came along). Restore
 * refuses while a serve holds the data dir, and over a data dir in use without --force; backup
 * refuses a non-empty DEST.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/webhook-signature.ts';
import { eventually, freePort, startCli, startServe, stopServe } from '../support/serve-child.ts';
import { cartEvent } from '../support/signed-event.ts';

const SECRET = 'whsec_backup_test_0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'cr-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = (dataDir: string) => ({
  CR_DATA_DIR: dataDir,
  CR_WEBHOOK_SECRET: SECRET,
  CR_CADENCE: '1s,1h',
  CR_QUIET_HOURS: 'off',
  CR_FREQUENCY_CAP: 'off',
});

async function cli(args: string[], dataDir: string) {
  const run = startCli(args, env(dataDir));
  const { code } = await run.exited;
  return { code, ...run.output() };
}

function unsubscribeToken(dataDir: string): string {
  const [eml] = readdirSync(join(dataDir, 'outbox')).filter((name) => name.endsWith('.eml'));
  // Long header lines are folded: join them back before reading the link.
  const text = readFileSync(join(dataDir, 'outbox', eml ?? 'none'), 'utf8').replace(
    /\r?\n[ \t]+/g,
    '',
  );
  const token = /^List-Unsubscribe:\s*<[^>]*\/unsubscribe\?t=([^>]+)>/im.exec(text)?.[1];
  if (token === undefined)
    throw new Error(`no List-Unsubscribe in the reminder:\n${text.slice(0, 1500)}`);
  return decodeURIComponent(token);
}

function cartRow(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT data FROM carts WHERE id = 'c_42'").get() as
      | { data: string }
      | undefined;
  } finally {
    db.close();
  }
}

describe('backup of a live serve, restored into a new data dir', { timeout: 180_000 }, () => {
  it('serves from the restore, and an unsubscribe link mailed before still works', async () => {
    const live = join(root, 'live');
    const dest = join(root, 'backup');
    const restored = join(root, 'restored');
    const first = await startServe(env(live), await freePort());
    let token: string;
    try {
      const body = JSON.stringify(cartEvent({ occurredAt: new Date().toISOString() }));
      const res = await fetch(`${first.base}/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-cr-signature': signWebhook(SECRET, body, Math.floor(Date.now() / 1000)),
        },
        body,
      });
      expect(res.status).toBe(200);
      token = await eventually('step 1 in the outbox', 30_000, () =>
        existsSync(join(live, 'outbox')) &&
        readdirSync(join(live, 'outbox')).some((n) => n.endsWith('.eml'))
          ? unsubscribeToken(live)
          : undefined,
      );

      const backup = await cli(['backup', dest], live);
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toContain('1 cart(s)');
      expect(readdirSync(dest).sort()).toEqual(['cart-recovery.sqlite', 'secrets.json']);
      const again = await cli(['backup', dest], live);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/is not empty/);
    } finally {
      await stopServe(first);
    }
    // The backup was taken while the row lived in the WAL of a running process.
    expect(cartRow(join(dest, 'cart-recovery.sqlite'))).toBeDefined();

    expect((await cli(['restore', dest], restored)).code).toBe(0);
    const over = await cli(['restore', dest], restored);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/already holds a database or secrets.*--force/);

    const second = await startServe(env(restored), await freePort());
    try {
      expect(second.output().stdout).toContain(`secrets    ${join(restored, 'secrets.json')}`);
      const busy = await cli(['restore', dest, '--force'], restored);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toContain(`pid ${second.child.pid}`);
      const link = `${second.base}/unsubscribe?t=${encodeURIComponent(token)}`;
      expect((await fetch(link)).status).toBe(200);
      const done = await fetch(link, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
    } finally {
      await stopServe(second);
    }
  });
});
