/** The nightly sheet as a CSV file per day: `<dir>/carts-YYYY-MM-DD.csv`. */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isSheetDay, SHEET_CSV_HEADER_LINE, sheetRowToCsvLine } from '../../domain/sheet-row.ts';
import type { Sheet, SheetRow } from '../../ports/sheet.ts';

export class SheetWriteError extends Error {
  override readonly name = 'SheetWriteError';
}

/** Excel only reads a CSV as UTF-8 (accents intact) when it starts with a byte-order mark. */
const BOM = '\uFEFF';

export interface CsvSheetOptions {
  readonly dir: string;
}

export function createCsvSheet(options: CsvSheetOptions): Sheet {
  return {
    async writeDay(day, rows) {
      const location = sheetPath(options.dir, day, 'csv');
      const count = await replaceFileAtomically(location, (stream) => writeCsv(stream, rows));
      return { location, rows: count };
    },
  };
}

export function sheetPath(dir: string, day: string, extension: string): string {
  if (!isSheetDay(day)) throw new SheetWriteError(`"${day}" is not a day like 2026-11-23`);
  return join(dir, `carts-${day}.${extension}`);
}

async function writeCsv(stream: WriteStream, rows: AsyncIterable<SheetRow>): Promise<number> {
  await write(stream, BOM + SHEET_CSV_HEADER_LINE);
  let count = 0;
  for await (const row of rows) {
    await write(stream, sheetRowToCsvLine(row));
    count += 1;
  }
  return count;
}

/** Waits only when the stream's buffer is full, so a slow disk slows the row source down. */
export async function write(stream: WriteStream, chunk: string): Promise<void> {
  // once() rejects on 'error', so a disk error mid-stream surfaces instead of hanging.
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/**
 * Writes into a temp file beside the target, syncs it, then renames it over the target. Rename
 * is atomic on one filesystem: readers see the old file or the whole new one, a re-run replaces
 * rather than adds, and a crash leaves at most a dot-file `.tmp`, never a half sheet.
 */
export async function replaceFileAtomically<T>(
  target: string,
  fill: (stream: WriteStream, tempPath: string) => Promise<T>,
): Promise<T> {
  const dir = join(target, '..');
  await mkdir(dir, { recursive: true });
  const tempPath = join(
    dir,
    `.${target.slice(dir.length + 1)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const stream = createWriteStream(tempPath, { flags: 'wx' });
  try {
    await once(stream, 'open');
    const result = await fill(stream, tempPath);
    if (!stream.writableEnded) {
      stream.end();
      await once(stream, 'finish');
    }
    if (!stream.closed) await once(stream, 'close');
    await fsync(tempPath);
    await rename(tempPath, target);
    return result;
  } catch (error) {
    await discard(stream);
    await rm(tempPath, { force: true });
    throw new SheetWriteError(`could not write ${target}`, { cause: error });
  }
}

/** Stops a half-written stream; a write still in flight may error after destroy, and is moot. */
async function discard(stream: WriteStream): Promise<void> {
  stream.on('error', () => {});
  const closed = new Promise<void>((resolve) => {
    if (stream.closed) resolve();
    else stream.once('close', () => resolve());
  });
  stream.destroy();
  await closed;
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
