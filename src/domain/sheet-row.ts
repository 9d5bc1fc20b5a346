/**
 * The nightly sheet's row and its text encodings. Shared by every sheet adapter so the CSV, the
 * XLSX and the Google Sheet carry the same columns in the same order.
 */
import type { Cart } from './cart.ts';
import { DAY } from './input-rules.ts';
import { currencyExponent, toDecimalString } from './money.ts';

/** One cart as a row of the nightly sheet (the Sheet port writes them). */
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

export function toSheetRow(cart: Cart, ownerLink: string): SheetRow {
  return {
    cartId: cart.id,
    email: cart.email,
    items: cart.items.map((item) => `${item.quantity} x ${item.name}`).join('; '),
    // Through the exact decimal string: the nearest double to "84.50", never 8450 * 0.01.
    total: Number(toDecimalString(cart.totalMinor, cart.currency)),
    currency: cart.currency,
    status: cart.status,
    closedReason: cart.closedReason,
    remindersSent: cart.remindersSent,
    savedLink: cart.savedLink,
    lastActivityAt: new Date(cart.lastActivityAt),
    recovered: cart.recoveredAt !== null,
    recoveredAt: cart.recoveredAt === null ? null : new Date(cart.recoveredAt),
    link: ownerLink,
  };
}

export const SheetCellKind = {
  text: 'text',
  money: 'money',
  count: 'count',
  flag: 'flag',
  time: 'time',
  link: 'link',
} as const;
export type SheetCellKind = (typeof SheetCellKind)[keyof typeof SheetCellKind];

export interface SheetColumn {
  readonly key: keyof SheetRow;
  readonly header: string;
  readonly kind: SheetCellKind;
  /** Width in characters, for formats that have one. */
  readonly width: number;
}

export const SHEET_COLUMNS: readonly SheetColumn[] = [
  { key: 'cartId', header: 'Cart', kind: 'text', width: 18 },
  { key: 'email', header: 'Email', kind: 'text', width: 28 },
  { key: 'items', header: 'Items', kind: 'text', width: 48 },
  { key: 'total', header: 'Total', kind: 'money', width: 14 },
  { key: 'currency', header: 'Currency', kind: 'text', width: 10 },
  { key: 'status', header: 'Status', kind: 'text', width: 10 },
  { key: 'closedReason', header: 'Closed reason', kind: 'text', width: 14 },
  { key: 'remindersSent', header: 'Reminders sent', kind: 'count', width: 10 },
  { key: 'savedLink', header: 'Saved link', kind: 'flag', width: 10 },
  { key: 'lastActivityAt', header: 'Last activity (UTC)', kind: 'time', width: 20 },
  { key: 'recovered', header: 'Recovered', kind: 'flag', width: 10 },
  { key: 'recoveredAt', header: 'Recovered at (UTC)', kind: 'time', width: 20 },
  { key: 'link', header: 'Actions', kind: 'link', width: 10 },
];

export const SHEET_HEADER: readonly string[] = SHEET_COLUMNS.map((column) => column.header);

/** A day is also part of a file name, so anything but YYYY-MM-DD is refused. */
export function isSheetDay(day: string): boolean {
  return DAY.test(day);
}

/** "2026-11-23 07:58:00": the form spreadsheets recognise as a date-time when typed. */
export function formatSheetTime(time: Date): string {
  return time.toISOString().slice(0, 19).replace('T', ' ');
}

/** "84.50" for 84.5 USD: the currency's own number of decimals, for text formats. */
export function formatSheetTotal(total: number, currency: string): string {
  return total.toFixed(currencyExponent(currency));
}

/**
 * Characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV
 * injection), plus their full-width forms, which some East Asian locales also accept.
 */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']);
const NEEDS_QUOTING = /[",\r\n]/;

/** A shopper's text as one CSV field that can never become a formula. */
export function neutraliseForCsv(text: string): string {
  const first = text.charAt(0);
  const safe = FORMULA_TRIGGERS.has(first) ? `'${text}` : text;
  return NEEDS_QUOTING.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/**
 * A flag as a person reads it, on screen and on paper, the same in every format: "Yes" or "No",
 * never 0/1 in one program and FALSE in another.
 */
export function flagText(value: boolean): 'Yes' | 'No' {
  return value ? 'Yes' : 'No';
}

/** Text values of a row in column order; null stays null so each format can leave it blank. */
export function sheetCellText(row: SheetRow, column: SheetColumn): string | null {
  const value = row[column.key];
  if (value === null) return null;
  if (value instanceof Date) return formatSheetTime(value);
  if (column.kind === SheetCellKind.money) return formatSheetTotal(row.total, row.currency);
  if (column.kind === SheetCellKind.flag) return flagText(Boolean(value));
  return String(value);
}

/** One CSV record (CRLF-terminated, RFC 4180). Only our own numbers, flags and times skip neutralising. */
export function sheetRowToCsvLine(row: SheetRow): string {
  const fields = SHEET_COLUMNS.map((column) => {
    const text = sheetCellText(row, column);
    if (text === null) return '';
    return column.kind === SheetCellKind.text || column.kind === SheetCellKind.link
      ? neutraliseForCsv(text)
      : text;
  });
  return `${fields.join(',')}\r\n`;
}

export const SHEET_CSV_HEADER_LINE = `${SHEET_HEADER.map(neutraliseForCsv).join(',')}\r\n`;
