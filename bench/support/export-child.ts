/**
 * One export in its own process, so its peak RSS is its own. Usage:
 *   node --import tsx bench/support/export-child.ts <idle|read|csv|xlsx> <db> <outDir> <YYYY-MM-DD>
 * Prints one JSON line: { rows, seconds, maxRssKb, bytes }.
 *
 * Every mode loads the same modules (exceljs included) and opens the same database, so the idle
 * run is the floor the others are compared with.
 */
import { statSync } from 'node:fs';
import { createCsvSheet } from '../../src/adapters/sheets/csv-sheet.ts';
import { createXlsxSheet } from '../../src/adapters/sheets/xlsx-sheet.ts';
import { openDatabase } from '../../src/adapters/sqlite/sqlite.ts';
import { createSqliteCartStore } from '../../src/adapters/sqlite/sqlite-cart-store.ts';
import { createExport, ownerCartLink } from '../../src/app/export.ts';
import { dayRange } from '../../src/domain/calendar.ts';
import { toSheetRow } from '../../src/domain/sheet-row.ts';
import type { Sheet } from '../../src/ports/sheet.ts';

const PUBLIC_URL = 'https://recovery.shop.example';
const policy = { storeTimeZone: 'UTC' };

async function main(): Promise<void> {
  const [mode, dbPath, outDir, day] = process.argv.slice(2);
  if (mode === undefined || dbPath === undefined || outDir === undefined || day === undefined) {
    throw new Error('usage: export-child <idle|read|csv|xlsx> <db> <outDir> <day>');
  }
  const db = openDatabase({ path: dbPath });
  const store = createSqliteCartStore(db);
  const sheets: Record<string, Sheet> = {
    csv: createCsvSheet({ dir: outDir }),
    xlsx: createXlsxSheet({ dir: outDir }),
  };
  const t0 = performance.now();
  let rows = 0;
  let bytes = 0;
  if (mode === 'read') {
    // What the export does minus the sheet: the same query, the same row building.
    const { from, to } = dayRange(day, policy.storeTimeZone);
    for await (const cart of store.listByActivity(from, to)) {
      if (toSheetRow(cart, ownerCartLink(PUBLIC_URL, cart.id)).cartId !== '') rows++;
    }
  } else if (mode === 'csv' || mode === 'xlsx') {
    const sheet = sheets[mode];
    if (sheet === undefined) throw new Error(`no sheet ${mode}`);
    const done = await createExport({
      store,
      sheets: [sheet],
      policy,
      publicUrl: PUBLIC_URL,
    }).exportDay(day);
    rows = done.rows;
    bytes = done.locations[0] === undefined ? 0 : statSync(done.locations[0]).size;
  } else if (mode !== 'idle') {
    throw new Error(`unknown mode ${mode}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  db.close();
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(`${JSON.stringify({ rows, seconds, maxRssKb, bytes })}\n`);
}

await main();
