/** `cart-recovery export`, `summary` and `cost` as a user runs them: through main(). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AWS_PRICES_US_EAST_1 } from '../../src/domain/aws-prices.ts';
import { costForMonth } from '../../src/domain/cost.ts';
import { DEFAULT_ASSUMPTIONS, usageFromSummary } from '../../src/domain/cost-estimate.ts';
import { openTestRuntime, RT_OWNER, RT_SECRET } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';
import { runCli } from './run-cli.ts';

type Runtime = ReturnType<typeof openTestRuntime>;
const open: Runtime[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const rt of open.splice(0)) await rt.shutdown();
});

function envFor(dataDir: string): Record<string, string> {
  return {
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: RT_SECRET,
    CR_OWNERS: `sam:${RT_OWNER}`,
    CR_TIMEZONE: 'Europe/Paris',
    CR_PUBLIC_URL: 'https://cr.shop.example',
  };
}

describe('cart-recovery export', () => {
  it('writes one CSV and one XLSX for the day, and a re-run leaves one of each', async () => {
    // 2026-11-23 10:00Z is 11:00 in Paris: all three carts belong to the Paris day 2026-11-23.
    const rt = openTestRuntime({ CR_TIMEZONE: 'Europe/Paris' });
    open.push(rt);
    for (const id of ['c1', 'c2', 'c3']) {
      await rt.post(
        cartEvent({
          id: `evt_${id}`,
          occurredAt: new Date(rt.clock.now()).toISOString(),
          cart: { id },
        }),
      );
    }
    await rt.close();
    const env = envFor(rt.dataDir);
    const exportsDir = join(rt.dataDir, 'exports');
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['export', '--day', '2026-11-23'], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('3 cart(s)');
      expect(result.stdout).toContain(join(exportsDir, 'carts-2026-11-23.csv'));
      expect(result.stdout).toContain(join(exportsDir, 'carts-2026-11-23.xlsx'));
      expect(readdirSync(exportsDir).sort()).toEqual([
        'carts-2026-11-23.csv',
        'carts-2026-11-23.xlsx',
      ]);
    }
    const csv = readFileSync(join(exportsDir, 'carts-2026-11-23.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(1 + 3);
    expect(csv.join('\n')).toContain('https://cr.shop.example/owner/carts/c2');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(exportsDir, 'carts-2026-11-23.xlsx'));
    expect(book.worksheets[0]?.actualRowCount).toBe(1 + 3);
  });

  it('needs a real --day', async () => {
    const missing = await runCli(['export'], { CR_DATA_DIR: '/nonexistent/never-created' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--day is required');
    const bad = await runCli(['export', '--day', '2026-02-30'], {
      CR_DATA_DIR: '/nonexistent/never-created',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"2026-02-30" is not a date');
  });
});

describe('cart-recovery summary', () => {
  it('prints a table, or JSON with --json, for an empty month', async () => {
    const rt = openTestRuntime();
    open.push(rt);
    await rt.close();
    const table = await runCli(['summary', '--month', '2026-11'], envFor(rt.dataDir));
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Cart recovery summary, 2026-11 (Europe/Paris)');
    expect(table.stdout).toMatch(/Recovery rate\s+n\/a/);
    const json = await runCli(['summary', '--month', '2026-11', '--json'], envFor(rt.dataDir));
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed).toMatchObject({ month: '2026-11', zone: 'Europe/Paris', cartsSeen: 0 });
    // Nothing but the 31 scheduled runs, a quarter of them paying a cold start's INIT.
    expect(parsed.cost.total).toBe('0.0001');
  });

  it('refuses a month that is not YYYY-MM', async () => {
    const result = await runCli(['summary', '--month', '2026-13'], {
      CR_DATA_DIR: '/nonexistent/never-created',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a month');
  });
});

describe('cart-recovery cost', () => {
  it('--json parses and its total is the cost of the same assumptions', async () => {
    const result = await runCli(['cost', '--carts', '10000', '--json']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout);
    // Under DEFAULT_ASSUMPTIONS: 10,000 carts x 0.7 abandoned = 7,000; x 0.5 with an email =
    // 3,500; x 3 steps = 10,500 reminders; x 0.05 clicks = 525; 7,000 x 0.05 recovered = 350.
    const usage = usageFromSummary(
      { cartsSeen: 10_000, abandoned: 7_000, remindersSent: 10_500, clicked: 525, recovered: 350 },
      DEFAULT_ASSUMPTIONS,
    );
    const expected = costForMonth(usage, AWS_PRICES_US_EAST_1, { freeTier: false });
    expect(parsed.carts).toBe(10_000);
    expect(parsed.derived).toMatchObject({ remindersSent: 10_500, recovered: 350 });
    expect(parsed.cost.total).toBe(expected.total);
    expect(parsed.cost.lines).toHaveLength(expected.lines.length);
    expect(parsed.assumptions).toEqual({ ...DEFAULT_ASSUMPTIONS });
  });

  it('prints the assumptions and the table without --json', async () => {
    const result = await runCli(['cost', '--carts', '10000']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Estimated AWS cost of a month with 10,000 carts');
    expect(result.stdout).toContain('Assumed (change them to match your store):');
    expect(result.stdout).toMatch(/Total\s+\$\d+\.\d{4}/);
  });

  it.each(['0', '-5', '2.5', 'lots'])('refuses --carts %s', async (value) => {
    const result = await runCli(['cost', `--carts=${value}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('must be a whole number above 0');
  });
});
