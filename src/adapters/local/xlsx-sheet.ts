/**
 * The nightly sheet as an Excel workbook per day: `<dir>/carts-YYYY-MM-DD.xlsx`, written with
 * exceljs's streaming writer so each row goes to the zip as soon as it is committed.
 */
import { EventEmitter, once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
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
/** How often (in rows) the loop checks whether the zip is falling behind. */
const CHECK_EVERY = 200;

export function createXlsxSheet(options: XlsxSheetOptions): Sheet {
  return {
    async writeDay(day, rows) {
      const location = sheetPath(options.dir, day, 'xlsx');
      const count = await replaceFileAtomically(location, (stream, tempPath) =>
        writeXlsx(stream, `${tempPath}.rels`, rows),
      );
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

async function writeXlsx(
  stream: WriteStream,
  spoolPath: string,
  rows: AsyncIterable<SheetRow>,
): Promise<number> {
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
  const links = spoolHyperlinks(workbook, worksheet, spoolPath);
  try {
    const count = await writeRows(stream, worksheet, rows, finished);
    worksheet.commit();
    await links.addToZip();
    await workbook.commit();
    return count;
  } finally {
    await links.discard();
  }
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

interface RelsWriter {
  _stream?: NodeJS.WritableStream;
  count: number;
}

/**
 * exceljs writes each hyperlink's relationship to the sheet's .rels part as its row is added, but
 * the zip takes parts one at a time, so that part used to wait in memory until the sheet was done
 * (about 400 bytes a row: 40 MB for 100k carts). It goes to a file beside the temp sheet instead,
 * and into the zip after the sheet. Internals of exceljs 4.4: without them, nothing is spooled.
 */
function spoolHyperlinks(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  worksheet: Worksheet,
  spoolPath: string,
): { addToZip(): Promise<void>; discard(): Promise<void> } {
  const rels = (worksheet as unknown as { _sheetRelsWriter?: RelsWriter })._sheetRelsWriter;
  const zip = (workbook as unknown as { zip?: { append(source: unknown, data: object): void } })
    .zip;
  if (rels === undefined || zip === undefined || rels._stream !== undefined) {
    return { addToZip: async () => {}, discard: async () => {} };
  }
  const spool = createWriteStream(spoolPath, { flags: 'wx' });
  // Listening from the start, so a disk error before addToZip is not missed (or left unhandled).
  const flushed = new Promise<void>((resolve, reject) => {
    spool.once('finish', resolve);
    spool.once('error', reject);
  });
  flushed.catch(() => {});
  rels._stream = spool;
  const sheetId = (worksheet as unknown as { id: number }).id;
  return {
    async addToZip() {
      // The worksheet's commit ended the spool when it held any link; end it otherwise.
      if (!spool.writableEnded) spool.end();
      await flushed;
      if (rels.count > 0) {
        zip.append(createReadStream(spoolPath), {
          name: `/xl/worksheets/_rels/sheet${sheetId}.xml.rels`,
        });
      }
    },
    async discard() {
      if (!spool.closed) {
        spool.destroy();
        await once(spool, 'close').catch(() => {});
      }
      await rm(spoolPath, { force: true });
    },
  };
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
      case SheetCellKind.link:
        cell.value = { text: XLSX_LINK_TEXT, hyperlink: String(value) };
        cell.font = { color: { argb: 'FF0563C1' }, underline: true };
        return;
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
