/** The nightly sheet (lane 2): a window onto the cart list, never read back. */
import type { SheetRow } from '../domain/sheet-row.ts';

export type { SheetRow } from '../domain/sheet-row.ts';

export interface Sheet {
  /** Writes (or replaces) the sheet for one day. Rows are streamed, never all held in memory. */
  writeDay(day: string, rows: AsyncIterable<SheetRow>): Promise<{ location: string; rows: number }>;
}
