/** Rows of the Carts worksheet as SpreadsheetML: typed cells, inline strings, the owner's link. */
import { currencyExponent } from '../../../domain/money.ts';
import { flagText, SHEET_COLUMNS, SHEET_HEADER, SheetCellKind } from '../../../domain/sheet-row.ts';
import type { SheetRow } from '../../../ports/sheet.ts';
import { XlsxStyle, type XlsxStyles } from './styles.ts';
import { cellText, columnLetter, escapeXml, excelSerial } from './xml.ts';

export const XLSX_LINK_TEXT = 'Open';
/** Excel refuses a HYPERLINK whose link text is longer than this. */
export const XLSX_HYPERLINK_MAX = 255;

const LETTERS = SHEET_COLUMNS.map((_, i) => columnLetter(i + 1));

/** "#,##0.00 "EUR"": the currency's own decimals, the code after, so mixed currencies stay honest. */
export function currencyFormat(currency: string): string {
  const exponent = currencyExponent(currency);
  const decimals = exponent > 0 ? `.${'0'.repeat(exponent)}` : '';
  return `#,##0${decimals} "${currency.replace(/[^A-Z]/g, '')}"`;
}

/**
 * The owner's link as a HYPERLINK formula the exporter writes itself (SPEC 1: a cell is a formula
 * only when the exporter put it there). Excel and LibreOffice Calc both make the cell clickable,
 * and unlike a `<hyperlink>` it needs no relationship part. The URL is ours, yet its quotes are
 * still doubled; null when Excel could not take it (too long, or a control character), so the
 * caller writes the URL as plain text instead.
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

/** Always an inline string: never `<f>`, so a shopper's "=HYPERLINK(...)" stays text. */
function textCell(ref: string, text: string, style: number = XlsxStyle.plain): string {
  const s = style === XlsxStyle.plain ? '' : ` s="${style}"`;
  return `<c r="${ref}"${s} t="inlineStr"><is><t xml:space="preserve">${cellText(text)}</t></is></c>`;
}

function numberCell(ref: string, value: number, style: number = XlsxStyle.plain): string {
  // NaN and Infinity have no cell form; a blank is more honest than a made-up number.
  if (!Number.isFinite(value)) return '';
  const s = style === XlsxStyle.plain ? '' : ` s="${style}"`;
  return `<c r="${ref}"${s}><v>${value}</v></c>`;
}

export function headerRowXml(): string {
  const cells = SHEET_HEADER.map((header, i) =>
    textCell(`${LETTERS[i]}1`, header, XlsxStyle.header),
  );
  return `<row r="1">${cells.join('')}</row>`;
}

/** Row `r` (1-based; the header is row 1) of the sheet. */
export function cartRowXml(r: number, row: SheetRow, styles: XlsxStyles): string {
  let cells = '';
  SHEET_COLUMNS.forEach((column, i) => {
    const value = row[column.key];
    if (value === null) return;
    cells += cellXml(`${LETTERS[i]}${r}`, column.kind, value, row, styles);
  });
  return `<row r="${r}">${cells}</row>`;
}

function cellXml(
  ref: string,
  kind: SheetCellKind,
  value: string | number | boolean | Date,
  row: SheetRow,
  styles: XlsxStyles,
): string {
  switch (kind) {
    case SheetCellKind.text:
      return textCell(ref, String(value));
    case SheetCellKind.money:
      return numberCell(ref, row.total, styles.moneyStyle(currencyFormat(row.currency)));
    case SheetCellKind.count:
      return numberCell(ref, Number(value));
    case SheetCellKind.flag:
      return textCell(ref, flagText(Boolean(value)));
    case SheetCellKind.time:
      return value instanceof Date ? numberCell(ref, excelSerial(value), XlsxStyle.time) : '';
    case SheetCellKind.link: {
      const formula = ownerLinkFormula(String(value));
      if (formula === null) return textCell(ref, String(value));
      // t="str" with the cached result, so a reader that never recalculates still shows "Open".
      return (
        `<c r="${ref}" s="${XlsxStyle.link}" t="str"><f>${escapeXml(formula)}</f>` +
        `<v>${XLSX_LINK_TEXT}</v></c>`
      );
    }
    default: {
      const unknown: never = kind;
      throw new Error(`no cell writer for ${String(unknown)}`);
    }
  }
}
