/**
 * The nightly sheet as an Excel workbook per day: `<dir>/carts-YYYY-MM-DD.xlsx`, written with
 * exceljs's streaming writer so each row goes to the zip as soon as it is committed.
 */
import { EventEmitter, once } from 'node:events';
import type { WriteStream } from 'node:fs';
import ExcelJS from 'exceljs';
import { currencyExponent } from '../../domain/money.ts';
import { SHEET_COLUMNS, SHEET_HEADER, SheetCellKind } from '../../domain/sheet-row.ts';
import type { Sheet, SheetRow } from '../../ports/sheet.ts';
import { replaceFileAtomically, sheetPath } from './csv-sheet.ts';

export interface XlsxSheetOptions {
  readonly dir: string;
}

export const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
export const XLSX_LINK_TEXT = 'Open';
/** Excel refuses a HYPERLINK whose link text is longer than this. */
export const XLSX_HYPERLINK_MAX = 255;
const LINK_FONT = { color: { argb: 'FF0563C1' }, underline: true } as const;
/** How often (in rows) the loop checks whether the zip is falling behind. */
const CHECK_EVERY = 200;

export function createXlsxSheet(options: XlsxSheetOptions): Sheet {
  return {
    async writeDay(day, rows) {
      const location = sheetPath(options.dir, day, 'xlsx');
      const count = await replaceFileAtomically(location, (stream) => writeXlsx(stream, rows));
      return { location, rows: count };
    },
  };
}

/** "#,##0.00 "EUR"": the currency's own decimals, the code after, so mixed currencies stay honest. */
export function currencyFormat(currency: string): string {
  const exponent = currencyExponent(currency);
  const decimals = exponent > 0 ? `.${'0'.repeat(exponent)}` : '';
  return `#,##0${decimals} "${currency.replace(/[^A-Z]/g, '')}"`;
}

/**
 * The owner's link as a formula the exporter writes itself (SPEC 1: a cell is a formula only when
 * the exporter put it there), so links need only exceljs's public API: a hyperlink cell's
 * relationship XML waits in memory until the sheet ends unless exceljs internals are rerouted.
 * Not free either: exceljs's streaming writer keeps each formula cell's record (for shared
 * formulas) until the sheet ends, ~0.4 KB of live heap a row (bench/results/export.md). The URL is
 * ours, yet its quotes are still doubled; null when Excel could not take it (too long, or a control
 * character), so the caller writes the URL as plain text instead.
 */
export function ownerLinkFormula(url: string): string | null {
  // The limit is on the string's value, so it is checked before quotes are doubled.
  if (url.length > XLSX_HYPERLINK_MAX || hasControlCharacter(url)) return null;
  return `HYPERLINK("${url.replaceAll('"', '""')}","${XLSX_LINK_TEXT}")`;
}

/** XML 1.0 cannot carry most of them, and no URL we build has one. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

async function writeXlsx(stream: WriteStream, rows: AsyncIterable<SheetRow>): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  const finished = trackFailure(workbook);
  const worksheet = workbook.addWorksheet('Carts', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
  });
  worksheet.columns = SHEET_COLUMNS.map((column) => ({ key: column.key, width: column.width }));
  const count = await writeRows(stream, worksheet, rows, finished);
  worksheet.commit();
  await workbook.commit();
  return count;
}

async function writeRows(
  stream: WriteStream,
  worksheet: Worksheet,
  rows: AsyncIterable<SheetRow>,
  finished: { throwIfFailed(): void },
): Promise<number> {
  const header = worksheet.addRow([...SHEET_HEADER]);
  header.font = { bold: true };
  header.commit();

  let count = 0;
  for await (const row of rows) {
    addCartRow(worksheet, row).commit();
    count += 1;
    if (count % CHECK_EVERY === 0) await keepUp(stream, worksheet);
    finished.throwIfFailed();
  }
  return count;
}

type Worksheet = ReturnType<ExcelJS.stream.xlsx.WorkbookWriter['addWorksheet']>;

function addCartRow(worksheet: Worksheet, row: SheetRow): ExcelJS.Row {
  const added = worksheet.addRow([]);
  SHEET_COLUMNS.forEach((column, index) => {
    const cell = added.getCell(index + 1);
    const value = row[column.key];
    if (value === null) return;
    switch (column.kind) {
      case SheetCellKind.text:
        // Always a plain string: exceljs writes a formula only for { formula } values, so a
        // shopper's "=HYPERLINK(...)" lands as text.
        cell.value = String(value);
        return;
      case SheetCellKind.money:
        cell.value = row.total;
        cell.numFmt = currencyFormat(row.currency);
        return;
      case SheetCellKind.count:
        cell.value = Number(value);
        return;
      case SheetCellKind.flag:
        cell.value = Boolean(value);
        return;
      case SheetCellKind.time:
        cell.value = value as Date;
        cell.numFmt = XLSX_DATE_FORMAT;
        return;
      case SheetCellKind.link: {
        const formula = ownerLinkFormula(String(value));
        if (formula === null) {
          cell.value = String(value);
          return;
        }
        cell.value = { formula, result: XLSX_LINK_TEXT };
        cell.font = LINK_FONT;
        return;
      }
      default: {
        const unknown: never = column.kind;
        throw new Error(`no cell writer for ${String(unknown)}`);
      }
    }
  });
  return added;
}

/**
 * exceljs's streaming writer never pushes back: committed rows pile up in the pipe between the
 * worksheet and the zip whenever compression is slower than the row source (measured: ~70 MB of
 * XML buffered for 100k rows). So wait on that pipe's own 'drain', and on the file's, before
 * pulling more rows. The pipe is an exceljs internal; without it we only yield a turn.
 */
async function keepUp(file: WriteStream, worksheet: Worksheet): Promise<void> {
  const sink = (worksheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes?.[0];
  // archiver's PassThrough comes from readable-stream, which has no writableNeedDrain getter.
  if (isDrainable(sink) && sink._writableState?.needDrain) await once(sink, 'drain');
  if (file.writableNeedDrain) await once(file, 'drain');
  await new Promise((resolve) => setImmediate(resolve));
}

interface Drainable extends NodeJS.EventEmitter {
  _writableState?: { needDrain?: boolean };
}

function isDrainable(value: unknown): value is Drainable {
  return value instanceof EventEmitter && '_writableState' in value;
}

/** The zip runs on its own stream events; surface its errors in the loop instead of crashing. */
function trackFailure(workbook: ExcelJS.stream.xlsx.WorkbookWriter): { throwIfFailed(): void } {
  let failure: unknown = null;
  const zip = (workbook as unknown as { zip?: NodeJS.EventEmitter }).zip;
  zip?.on('error', (error: unknown) => {
    failure = error;
  });
  return {
    throwIfFailed() {
      if (failure !== null) throw failure;
    },
  };
}
