/** The nightly sheet (lane 2): a window onto the cart list, never read back. */

export interface SheetRow {
  readonly cartId: string;
  readonly email: string | null;
  /** "2 x Linen shirt; 1 x Candle" */
  readonly items: string;
  /** In currency units, a number for the sheet to sum. */
  readonly total: number;
  readonly currency: string;
  readonly status: string;
  readonly closedReason: string | null;
  readonly remindersSent: number;
  readonly savedLink: boolean;
  readonly lastActivityAt: Date;
  readonly recovered: boolean;
  readonly recoveredAt: Date | null;
  /** Owner page link for this cart, where the three actions are buttons. */
  readonly link: string;
}

export interface Sheet {
  /** Writes (or replaces) the sheet for one day. Rows are streamed, never all held in memory. */
  writeDay(day: string, rows: AsyncIterable<SheetRow>): Promise<{ location: string; rows: number }>;
}
