/**
 * The nightly sheet as an Excel workbook per day: `<dir>/carts-YYYY-MM-DD.xlsx`. The SpreadsheetML
 * is written by hand and streamed through archiver's zip row by row, so memory stays a fixed
 * window whatever the day's size: no per-cell record is kept until the sheet ends (exceljs's
 * streaming writer kept one per formula or hyperlink cell, ~1.3 KB of peak RSS a row).
 */
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import archiver from 'archiver';
import type { Sheet, SheetRow } from '../../ports/sheet.ts';
import { replaceFileAtomically, sheetPath } from './csv-sheet.ts';
import { SHEET_HEAD, SHEET_PART, SHEET_TAIL, STATIC_PARTS } from './xlsx/parts.ts';
import { cartRowXml, headerRowXml } from './xlsx/rows.ts';
import { createXlsxStyles, type XlsxStyles } from './xlsx/styles.ts';

export {
  currencyFormat,
  ownerLinkFormula,
  XLSX_HYPERLINK_MAX,
  XLSX_LINK_TEXT,
} from './xlsx/rows.ts';
export { XLSX_DATE_FORMAT } from './xlsx/styles.ts';

export interface XlsxSheetOptions {
  readonly dir: string;
}

/** Rows are joined into chunks of about this many characters before they go to the zip. */
const CHUNK_CHARS = 64 * 1024;

export function createXlsxSheet(options: XlsxSheetOptions): Sheet {
  return {
    async writeDay(day, rows) {
      const location = sheetPath(options.dir, day, 'xlsx');
      const count = await replaceFileAtomically(location, (stream) => writeXlsx(stream, rows));
      return { location, rows: count };
    },
  };
}

async function writeXlsx(output: WriteStream, rows: AsyncIterable<SheetRow>): Promise<number> {
  const archive = archiver('zip', { zlib: { level: 6 } });
  const failed = failureOf(archive, output);
  const sheet = new PassThrough();
  archive.pipe(output);
  try {
    for (const part of STATIC_PARTS) archive.append(part.xml, { name: part.name });
    archive.append(sheet, { name: SHEET_PART });
    const styles = createXlsxStyles();
    const count = await writeSheet(sheet, rows, styles, failed);
    // Last: it lists the currency formats the rows used (part order inside a zip is free).
    archive.append(styles.xml(), { name: 'xl/styles.xml' });
    const written = once(output, 'finish');
    await Promise.race([Promise.all([archive.finalize(), written]), failed]);
    return count;
  } catch (error) {
    sheet.destroy();
    archive.abort();
    throw error;
  }
}

/** Pushes the worksheet into the zip entry, waiting whenever the zip (or the disk) falls behind. */
async function writeSheet(
  sheet: PassThrough,
  rows: AsyncIterable<SheetRow>,
  styles: XlsxStyles,
  failed: Promise<never>,
): Promise<number> {
  const send = async (chunk: string): Promise<void> => {
    if (!sheet.write(chunk)) await Promise.race([once(sheet, 'drain'), failed]);
  };
  let chunk = SHEET_HEAD + headerRowXml();
  let count = 0;
  for await (const row of rows) {
    count += 1;
    chunk += cartRowXml(count + 1, row, styles);
    if (chunk.length >= CHUNK_CHARS) {
      await send(chunk);
      chunk = '';
    }
  }
  await send(chunk + SHEET_TAIL);
  sheet.end();
  return count;
}

/**
 * Rejects on the zip's or the file's first error, so a wait on 'drain' or 'finish' cannot hang on
 * a stream that already failed. Marked handled: nobody may be waiting when it fires.
 */
function failureOf(archive: archiver.Archiver, output: WriteStream): Promise<never> {
  const failed = new Promise<never>((_, reject) => {
    archive.on('error', reject);
    output.on('error', reject);
  });
  failed.catch(() => {});
  return failed;
}
