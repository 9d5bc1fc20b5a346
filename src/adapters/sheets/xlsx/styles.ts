/**
 * xl/styles.xml, built after the rows: a currency's number format is registered the first time a
 * row uses it, so the part goes into the zip after the sheet (part order inside a zip is free).
 */
import { escapeXml } from './xml.ts';

/** Cell style indices (cellXfs) that never move; currency styles follow them. */
export const XlsxStyle = { plain: 0, header: 1, time: 2, link: 3, firstCurrency: 4 } as const;

export const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** Custom number formats start at 164; lower ids are Excel's built-ins. */
const FIRST_CUSTOM_FORMAT = 164;
/** ISO 4217 has fewer codes than this; past it every total shares a 2-decimals format. */
const MAX_CURRENCY_FORMATS = 250;
const FALLBACK_MONEY_FORMAT = '#,##0.00';

const FONTS = [
  '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
  '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font>',
];

export interface XlsxStyles {
  /** The cell style for a number format, registered on first use. */
  moneyStyle(format: string): number;
  xml(): string;
}

export function createXlsxStyles(): XlsxStyles {
  // Insertion order is the style order: format i is numFmt 165 + i and cellXf 4 + i.
  const formats = new Map<string, number>();
  return {
    moneyStyle(format) {
      const known = formats.get(format);
      if (known !== undefined) return known;
      const key = formats.size < MAX_CURRENCY_FORMATS ? format : FALLBACK_MONEY_FORMAT;
      const existing = formats.get(key);
      if (existing !== undefined) return existing;
      const style = XlsxStyle.firstCurrency + formats.size;
      formats.set(key, style);
      return style;
    },
    xml() {
      return stylesXml([...formats.keys()]);
    },
  };
}

function stylesXml(moneyFormats: readonly string[]): string {
  const numFmts = [XLSX_DATE_FORMAT, ...moneyFormats].map(
    (code, i) => `<numFmt numFmtId="${FIRST_CUSTOM_FORMAT + i}" formatCode="${escapeXml(code)}"/>`,
  );
  const xf = (numFmtId: number, fontId: number) =>
    `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="0" borderId="0" xfId="0"` +
    `${numFmtId > 0 ? ' applyNumberFormat="1"' : ''}${fontId > 0 ? ' applyFont="1"' : ''}/>`;
  // The header wraps in its column rather than being cut off on screen or paper.
  const header =
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">' +
    '<alignment vertical="top" wrapText="1"/></xf>';
  const cellXfs = [
    xf(0, 0),
    header,
    xf(FIRST_CUSTOM_FORMAT, 0),
    xf(0, 2),
    ...moneyFormats.map((_, i) => xf(FIRST_CUSTOM_FORMAT + 1 + i, 0)),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
    `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>`,
    `<fonts count="${FONTS.length}">${FONTS.join('')}</fonts>`,
    '<fills count="2"><fill><patternFill patternType="none"/></fill>',
    '<fill><patternFill patternType="gray125"/></fill></fills>',
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>',
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>',
    `<cellXfs count="${cellXfs.length}">${cellXfs.join('')}</cellXfs>`,
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>',
    '</styleSheet>',
  ].join('');
}
