/**
 * Export: the nightly sheet (SPEC lane 2). The day's carts (last shopper activity that local
 * day) stream from the store, one sheet row each, into every configured sheet.
 */
import { dayRange } from '../domain/calendar.ts';
import type { Cart } from '../domain/cart.ts';
import type { Policy } from '../domain/policy.ts';
import { toSheetRow } from '../domain/sheet-row.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Sheet, SheetRow } from '../ports/sheet.ts';

export interface ExportDeps {
  readonly store: Pick<CartStore, 'listByActivity'>;
  /** Locally the CSV and the XLSX sheet; on AWS the Google Sheet. Each gets the whole day. */
  readonly sheets: readonly Sheet[];
  readonly policy: Pick<Policy, 'storeTimeZone'>;
  readonly publicUrl: string;
}

export interface DayExport {
  readonly day: string;
  /** Where each sheet went, in the order of `sheets`. */
  readonly locations: readonly string[];
  /** Rows per sheet (every sheet gets the same rows). */
  readonly rows: number;
}

export class ExportError extends Error {
  override readonly name = 'ExportError';
}

/** The owner page of one cart, where suppress, unsubscribe and write off are buttons. */
export function ownerCartLink(publicUrl: string, cartId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/owner/carts/${encodeURIComponent(cartId)}`;
}

export function createExport(deps: ExportDeps) {
  const { store, sheets, policy, publicUrl } = deps;
  if (sheets.length === 0) throw new ExportError('export needs at least one sheet');

  async function* rowsOf(carts: AsyncIterable<Cart>): AsyncIterable<SheetRow> {
    for await (const cart of carts) yield toSheetRow(cart, ownerCartLink(publicUrl, cart.id));
  }

  async function exportDay(day: string): Promise<DayExport> {
    // Throws a RangeError naming the day when it is not a real date.
    const { from, to } = dayRange(day, policy.storeTimeZone);
    const locations: string[] = [];
    let rows = 0;
    // One read of the store per sheet, rather than buffering the day: rows stay streamed.
    for (const sheet of sheets) {
      const written = await sheet.writeDay(day, rowsOf(store.listByActivity(from, to)));
      locations.push(written.location);
      rows = written.rows;
    }
    return { day, locations, rows };
  }

  return { exportDay };
}

export type Export = ReturnType<typeof createExport>;
