/**
 * The demo never writes to the data dir `serve` uses: its fake carts would be counted in the real
 * monthly summary. It plays in its own dir, says so first, and points every path there.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cr-demo-dir-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every path under `dir` with its size and modification time. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const stat = statSync(join(dir, name));
      return `${name} ${stat.size} ${stat.mtimeMs}`;
    });
}

describe('demo data dir', () => {
  it("plays in --data-dir and leaves CR_DATA_DIR's dir untouched", async () => {
    const served = tempDir();
    writeFileSync(join(served, 'secrets.json'), '{"kept":"as is"}\n');
    mkdirSync(join(served, 'outbox'));
    const before = snapshot(served);
    const demo = join(tempDir(), 'demo');

    const result = await runCli(['demo', '--data-dir', demo, '--carts', '20'], {
      CR_DATA_DIR: served,
    });

    expect(result.code).toBe(0);
    expect(snapshot(served)).toEqual(before);
    expect(readdirSync(demo)).toContain('cart-recovery.sqlite');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toContain(`playing in ${resolve(demo)} (its own data dir; serve's ${served}`);
    expect(result.stdout).toContain(`${join(demo, 'outbox')} (`);
    expect(result.stdout).toMatch(
      new RegExp(`CR_DATA_DIR=${demo} npx cart-recovery audit d1-c\\d{4}`),
    );
    expect(result.stdout).toContain(`CR_DATA_DIR=${demo} npx cart-recovery summary --month`);
  });

  it('refuses a --data-dir that is the data dir serve uses', async () => {
    const served = tempDir();
    const before = snapshot(served);
    const result = await runCli(['demo', '--data-dir', `${served}/`], { CR_DATA_DIR: served });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is the data dir serve uses (CR_DATA_DIR)');
    expect(snapshot(served)).toEqual(before);
    const defaulted = await runCli(['demo', '--data-dir', './data']);
    expect(defaulted.code).toBe(2);
    expect(defaulted.stderr).toContain('is the data dir serve uses (the default)');
  });
});
