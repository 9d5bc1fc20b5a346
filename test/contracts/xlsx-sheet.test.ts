import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  createXlsxSheet,
  currencyFormat,
  XLSX_DATE_FORMAT,
} from '../../src/adapters/local/xlsx-sheet.ts';
import { SHEET_COLUMNS, SHEET_HEADER } from '../../src/domain/sheet-row.ts';
import { rowsOf, runSheetContract, sampleRow } from './sheet.contract.ts';

async function readWorksheet(path: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const worksheet = workbook.getWorksheet('Carts');
  if (!worksheet) throw new Error('no Carts worksheet');
  return worksheet;
}

async function makeXlsx() {
  const dir = await mkdtemp(join(tmpdir(), 'cr-xlsx-'));
  return {
    dir,
    sheet: createXlsxSheet({ dir }),
    async readBack(day: string) {
      const worksheet = await readWorksheet(join(dir, `carts-${day}.xlsx`));
      const table: unknown[][] = [];
      for (let r = 1; r <= worksheet.rowCount; r += 1) {
        const row = worksheet.getRow(r);
        table.push(SHEET_COLUMNS.map((_, c) => row.getCell(c + 1).value ?? null));
      }
      return table;
    },
    async countSheets() {
      return (await readdir(dir)).length;
    },
    async close() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

runSheetContract({
  name: 'XLSX file',
  make: makeXlsx,
  hostileText: (text) => text,
  atomicReplace: true,
});

const column = (header: string): number => SHEET_HEADER.indexOf(header) + 1;

describe('XLSX sheet specifics', () => {
  it('types every cell: numbers, dates, booleans, a fixed-text hyperlink, strings', async () => {
    const subject = await makeXlsx();
    try {
      const { location } = await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1)]));
      const worksheet = await readWorksheet(location);
      const row = worksheet.getRow(2);
      const cell = (header: string) => row.getCell(column(header));

      expect(cell('Total').type).toBe(ExcelJS.ValueType.Number);
      expect(cell('Total').value).toBe(85.5);
      expect(cell('Total').numFmt).toBe(currencyFormat('EUR'));
      expect(cell('Reminders sent').value).toBe(1);
      expect(cell('Last activity (UTC)').type).toBe(ExcelJS.ValueType.Date);
      expect(cell('Last activity (UTC)').value).toEqual(new Date('2026-11-23T07:58:01Z'));
      expect(cell('Last activity (UTC)').numFmt).toBe(XLSX_DATE_FORMAT);
      expect(cell('Recovered at (UTC)').value).toEqual(new Date('2026-11-23T09:00:00Z'));
      expect(cell('Recovered').type).toBe(ExcelJS.ValueType.Boolean);
      expect(cell('Recovered').value).toBe(true);
      expect(cell('Saved link').value).toBe(false);
      expect(cell('Closed reason').type).toBe(ExcelJS.ValueType.Null);
      expect(cell('Items').value).toBe('2 x Linen shirt; 1 x Crème brûlée candle');
      expect(cell('Actions').type).toBe(ExcelJS.ValueType.Hyperlink);
      expect(cell('Actions').value).toEqual({
        text: 'Open',
        hyperlink: 'https://shop.example/owner/carts/c_1',
      });
    } finally {
      await subject.close();
    }
  });

  it('writes hostile shopper text as string cells, never formulas', async () => {
    const subject = await makeXlsx();
    try {
      const name = '=HYPERLINK("http://evil.example","Click me")';
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf([sampleRow(1, { items: name, email: '@SUM(1+1)', cartId: '-2+3' })]),
      );
      const row = (await readWorksheet(location)).getRow(2);
      for (const [header, text] of [
        ['Items', name],
        ['Email', '@SUM(1+1)'],
        ['Cart', '-2+3'],
      ] as const) {
        const cell = row.getCell(column(header));
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.formula).toBeUndefined();
        expect(cell.value).toBe(text);
      }
    } finally {
      await subject.close();
    }
  });

  it('has a bold, frozen header and sized columns', async () => {
    const subject = await makeXlsx();
    try {
      const { location } = await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1)]));
      const worksheet = await readWorksheet(location);
      expect(worksheet.getRow(1).getCell(1).font?.bold).toBe(true);
      expect(worksheet.getRow(2).getCell(1).font?.bold).not.toBe(true);
      expect(worksheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(worksheet.getColumn(column('Items')).width).toBe(48);
    } finally {
      await subject.close();
    }
  });

  it.each([
    ['USD', '#,##0.00 "USD"'],
    ['JPY', '#,##0 "JPY"'],
    ['KWD', '#,##0.000 "KWD"'],
  ])('formats %s totals with its own decimals', (currency, format) => {
    expect(currencyFormat(currency)).toBe(format);
  });
});
