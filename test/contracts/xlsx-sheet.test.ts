import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createXlsxSheet,
  currencyFormat,
  ownerLinkFormula,
  XLSX_DATE_FORMAT,
  XLSX_HYPERLINK_MAX,
} from '../../src/adapters/sheets/xlsx-sheet.ts';
import { SHEET_COLUMNS, SHEET_HEADER } from '../../src/domain/sheet-row.ts';
import { rowsOf, runSheetContract, sampleRow } from './sheet.contract.ts';
import { expectWellFormed, unzip } from './xlsx-package.ts';

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
  it('types every cell: numbers, dates, booleans, a HYPERLINK formula, strings', async () => {
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
      expect(cell('Recovered').type).toBe(ExcelJS.ValueType.String);
      expect(cell('Recovered').value).toBe('Yes');
      expect(cell('Saved link').value).toBe('No');
      expect(cell('Closed reason').type).toBe(ExcelJS.ValueType.Null);
      expect(cell('Items').value).toBe('2 x Linen shirt; 1 x Crème brûlée candle');
      expect(cell('Actions').type).toBe(ExcelJS.ValueType.Formula);
      expect(cell('Actions').formula).toBe(
        'HYPERLINK("https://shop.example/owner/carts/c_1","Open")',
      );
      expect(cell('Actions').result).toBe('Open');
      expect(cell('Actions').font?.underline).toBe(true);
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

  it("keeps a hostile =HYPERLINK item name a string while the owner link is the exporter's formula", async () => {
    const subject = await makeXlsx();
    try {
      const name = '=HYPERLINK("http://evil","x")';
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf([sampleRow(7, { items: name })]),
      );
      const row = (await readWorksheet(location)).getRow(2);
      const items = row.getCell(column('Items'));
      expect(items.type).toBe(ExcelJS.ValueType.String);
      expect(items.formula).toBeUndefined();
      expect(items.value).toBe(name);
      const link = row.getCell(column('Actions'));
      expect(link.type).toBe(ExcelJS.ValueType.Formula);
      expect(link.formula).toBe('HYPERLINK("https://shop.example/owner/carts/c_7","Open")');
    } finally {
      await subject.close();
    }
  });

  it('falls back to the plain URL, a string cell, when Excel could not take it', async () => {
    const subject = await makeXlsx();
    try {
      const long = `https://shop.example/owner/carts/${'x'.repeat(XLSX_HYPERLINK_MAX)}`;
      const quoted = 'https://shop.example/owner/carts/a"b';
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf([sampleRow(1, { link: long }), sampleRow(2, { link: quoted })]),
      );
      const worksheet = await readWorksheet(location);
      const tooLong = worksheet.getRow(2).getCell(column('Actions'));
      expect(tooLong.type).toBe(ExcelJS.ValueType.String);
      expect(tooLong.formula).toBeUndefined();
      expect(tooLong.value).toBe(long);
      const withQuote = worksheet.getRow(3).getCell(column('Actions'));
      expect(withQuote.formula).toBe('HYPERLINK("https://shop.example/owner/carts/a""b","Open")');
    } finally {
      await subject.close();
    }
  });

  it('prints landscape, one page wide, the header on every page, its cells wrapped not cut', async () => {
    const subject = await makeXlsx();
    try {
      const rows = Array.from({ length: 120 }, (_, i) => sampleRow(i + 1));
      const { location } = await subject.sheet.writeDay('2026-11-23', rowsOf(rows));
      const worksheet = await readWorksheet(location);
      expect(worksheet.pageSetup).toMatchObject({
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '1:1',
      });
      expect(worksheet.getRow(1).getCell(column('Reminders sent')).alignment).toMatchObject({
        wrapText: true,
      });
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

  it('takes a URL of exactly the limit and refuses one character more', () => {
    const at = `https://s.example/${'a'.repeat(XLSX_HYPERLINK_MAX - 'https://s.example/'.length)}`;
    expect(at).toHaveLength(XLSX_HYPERLINK_MAX);
    expect(ownerLinkFormula(at)).toBe(`HYPERLINK("${at}","Open")`);
    expect(ownerLinkFormula(`${at}b`)).toBeNull();
    expect(ownerLinkFormula('https://s.example/a\nb')).toBeNull();
  });

  it('quotes any URL so the formula holds exactly one string argument and "Open"', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '"', ')', ',', '/', '&', 'é'), maxLength: 300 }),
        (url) => {
          const formula = ownerLinkFormula(url);
          if (url.length > XLSX_HYPERLINK_MAX) {
            expect(formula).toBeNull();
            return;
          }
          // One string literal (doubled quotes only inside), then the fixed link text.
          const match = /^HYPERLINK\("((?:[^"]|"")*)","Open"\)$/.exec(formula ?? '');
          expect(match?.[1]?.replaceAll('""', '"')).toBe(url);
        },
      ),
    );
  });

  it.each([
    ['USD', '#,##0.00 "USD"'],
    ['JPY', '#,##0 "JPY"'],
    ['KWD', '#,##0.000 "KWD"'],
  ])('formats %s totals with its own decimals', (currency, format) => {
    expect(currencyFormat(currency)).toBe(format);
  });

  it('is a zip of well-formed SpreadsheetML parts, the sheet holding one <row> per cart', async () => {
    const subject = await makeXlsx();
    try {
      const hostile = sampleRow(2, {
        items: '</t></is></c><c r="Z9"><f>1+1</f></c> & <b>"x"</b> ]]> \u0001\uFFFE',
        email: "o'brien&co@example.com",
        cartId: 'c_\r\n2',
      });
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf([sampleRow(1), hostile, sampleRow(3, { closedReason: 'expired' })]),
      );
      const parts = await unzip(location);
      expect([...parts.keys()].sort()).toEqual([
        '[Content_Types].xml',
        '_rels/.rels',
        'xl/_rels/workbook.xml.rels',
        'xl/styles.xml',
        'xl/workbook.xml',
        'xl/worksheets/sheet1.xml',
      ]);
      for (const [name, xml] of parts) expectWellFormed(name, xml);
      const sheet = parts.get('xl/worksheets/sheet1.xml') ?? '';
      expect(sheet.match(/<row /g)).toHaveLength(4);
      // The exporter's three owner links are the only formulas in the sheet.
      expect(sheet.match(/<f>/g)).toHaveLength(3);
      expect(sheet).toMatch(
        /<\/sheetViews>.*<cols>.*<\/cols><sheetData>.*<\/sheetData><printOptions .*<\/worksheet>$/s,
      );
    } finally {
      await subject.close();
    }
  });

  it('keeps markup and CR/LF in shopper text exactly, dropping only what XML cannot carry', async () => {
    const subject = await makeXlsx();
    try {
      const items = '</t></is></c><c r="Z9"><f>1+1</f></c> & <b>"x"</b>\r\n\u0001end';
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf([sampleRow(1, { items, email: '  spaced  ' })]),
      );
      const row = (await readWorksheet(location)).getRow(2);
      expect(row.getCell(column('Items')).type).toBe(ExcelJS.ValueType.String);
      expect(row.getCell(column('Items')).value).toBe(items.replace('\u0001', ''));
      expect(row.getCell(column('Email')).value).toBe('  spaced  ');
    } finally {
      await subject.close();
    }
  });

  it('escapes a literal "_x0041_" the way Excel reads it back as text, not as "A"', async () => {
    // exceljs decodes _xHHHH_ only in shared strings, so this is checked in the XML itself.
    const subject = await makeXlsx();
    try {
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf([sampleRow(1, { items: 'Mug _x0041_' })]),
      );
      const sheet = (await unzip(location)).get('xl/worksheets/sheet1.xml') ?? '';
      expect(sheet).toContain('<t xml:space="preserve">Mug _x005F_x0041_</t>');
    } finally {
      await subject.close();
    }
  });

  it("formats each total in its own currency's format, in a day of mixed currencies", async () => {
    const subject = await makeXlsx();
    try {
      const currencies = ['EUR', 'JPY', 'KWD', 'EUR', 'USD', 'JPY'];
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf(currencies.map((currency, i) => sampleRow(i, { currency, total: 1000 + i }))),
      );
      const worksheet = await readWorksheet(location);
      currencies.forEach((currency, i) => {
        const total = worksheet.getRow(i + 2).getCell(column('Total'));
        expect(total.value).toBe(1000 + i);
        expect(total.numFmt).toBe(currencyFormat(currency));
      });
    } finally {
      await subject.close();
    }
  });

  it('writes any instant as a date cell that reads back to the same millisecond', async () => {
    const subject = await makeXlsx();
    try {
      const times = fc.sample(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2100-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        { numRuns: 200, seed: 7 },
      );
      const { location } = await subject.sheet.writeDay(
        '2026-11-23',
        rowsOf(times.map((time, i) => sampleRow(i, { lastActivityAt: time }))),
      );
      const worksheet = await readWorksheet(location);
      times.forEach((time, i) => {
        const cell = worksheet.getRow(i + 2).getCell(column('Last activity (UTC)'));
        expect(cell.type).toBe(ExcelJS.ValueType.Date);
        expect(cell.value).toEqual(time);
      });
    } finally {
      await subject.close();
    }
  });
});
