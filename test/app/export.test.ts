import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCsvSheet } from '../../src/adapters/sheets/csv-sheet.ts';
import { createXlsxSheet } from '../../src/adapters/sheets/xlsx-sheet.ts';
import { openDatabase, type SqliteDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createExport, ownerCartLink } from '../../src/app/export.ts';
import type { Cart } from '../../src/domain/cart.ts';
import { makeCart } from '../support/cart-fixtures.ts';

let db: SqliteDatabase | null = null;
const dirs: string[] = [];
afterEach(() => {
  db?.close();
  db = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function setup(carts: Cart[], zone = 'Europe/Paris') {
  db = openDatabase({ path: ':memory:' });
  const store = createSqliteCartStore(db);
  for (const cart of carts) await store.save({ cart, expectedVersion: null, audit: [] });
  const dir = mkdtempSync(join(tmpdir(), 'cr-export-'));
  dirs.push(dir);
  const exporter = createExport({
    store,
    sheets: [createCsvSheet({ dir }), createXlsxSheet({ dir })],
    policy: { storeTimeZone: zone },
    publicUrl: 'https://cr.shop.example/',
  });
  return { dir, exporter };
}

describe('nightly export', () => {
  it("writes the store's local day to a CSV and an XLSX, with owner links", async () => {
    // Paris is UTC+1 in November: the 23rd runs from 22nd 23:00Z to 23rd 23:00Z.
    const { dir, exporter } = await setup([
      makeCart({ id: 'before', lastActivityAt: Date.parse('2026-11-22T22:59:00Z') }),
      makeCart({ id: 'first', lastActivityAt: Date.parse('2026-11-22T23:00:00Z') }),
      makeCart({ id: 'last', lastActivityAt: Date.parse('2026-11-23T22:59:59Z') }),
      makeCart({ id: 'after', lastActivityAt: Date.parse('2026-11-23T23:00:00Z') }),
    ]);
    const result = await exporter.exportDay('2026-11-23');
    expect(result.rows).toBe(2);
    expect(result.locations).toEqual([
      join(dir, 'carts-2026-11-23.csv'),
      join(dir, 'carts-2026-11-23.xlsx'),
    ]);
    const csv = readFileSync(join(dir, 'carts-2026-11-23.csv'), 'utf8');
    expect(csv).toContain('https://cr.shop.example/owner/carts/first');
    expect(csv).not.toContain('before');
    expect(csv).not.toContain('/after');
  });

  it('a second run replaces the files rather than adding to them', async () => {
    const { dir, exporter } = await setup([
      makeCart({ id: 'c1', lastActivityAt: Date.parse('2026-11-23T10:00:00Z') }),
    ]);
    await exporter.exportDay('2026-11-23');
    const again = await exporter.exportDay('2026-11-23');
    expect(again.rows).toBe(1);
    expect(readdirSync(dir).sort()).toEqual(['carts-2026-11-23.csv', 'carts-2026-11-23.xlsx']);
  });

  it('refuses a day that is not a date', async () => {
    const { exporter } = await setup([]);
    await expect(exporter.exportDay('2026-02-30')).rejects.toThrow(/not a date/);
  });

  it('escapes cart ids in owner links', () => {
    expect(ownerCartLink('https://x.example', 'a b')).toBe('https://x.example/owner/carts/a%20b');
  });
});
