import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCsvSheet } from '../../src/adapters/sheets/csv-sheet.ts';
import { rowsOf, runSheetContract, sampleRow } from './sheet.contract.ts';

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  if (field !== '' || record.length > 0) throw new Error('last record has no CRLF');
  return records;
}

async function makeCsv(dir?: string) {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'cr-csv-')));
  return {
    dir: folder,
    sheet: createCsvSheet({ dir: folder }),
    async readBack(day: string) {
      const text = await readFile(join(folder, `carts-${day}.csv`), 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      return parseCsv(text.slice(1));
    },
    async countSheets() {
      return (await readdir(folder)).length;
    },
    async close() {
      await rm(folder, { recursive: true, force: true });
    },
  };
}

runSheetContract({
  name: 'CSV file',
  make: () => makeCsv(),
  hostileText: (text) => `'${text}`,
  atomicReplace: true,
});

describe('CSV sheet specifics', () => {
  it('creates the folder, and writes UTF-8 accents and typed-looking cells Excel understands', async () => {
    const base = await mkdtemp(join(tmpdir(), 'cr-csv-'));
    const subject = await makeCsv(join(base, 'exports', 'nested'));
    try {
      const { location } = await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1)]));
      expect(location).toBe(join(base, 'exports', 'nested', 'carts-2026-11-23.csv'));
      const bytes = await readFile(location);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [, row] = await subject.readBack('2026-11-23');
      expect(row).toEqual([
        'c_1',
        'shopper1@example.com',
        '2 x Linen shirt; 1 x Crème brûlée candle',
        '85.50',
        'EUR',
        'bought',
        '',
        '1',
        'No',
        '2026-11-23 07:58:01',
        'Yes',
        '2026-11-23 09:00:00',
        'https://shop.example/owner/carts/c_1',
      ]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
