/** Text and number encodings for hand-written SpreadsheetML. */

/** Excel reports a file with a longer cell as corrupt and "repairs" it. */
export const XLSX_CELL_TEXT_MAX = 32_767;

// Control characters XML 1.0 cannot carry at all (tab, LF and CR can), and the two non-characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
// A half of a surrogate pair cannot be encoded as UTF-8; Node would write U+FFFD anyway.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Excel decodes "_x0041_" in cell text as "A"; its own escape for a literal one is "_x005F_".
const EXCEL_ESCAPE = /_(x[0-9A-Fa-f]{4}_)/g;
const XML_SPECIAL = /[&<>"\r]/g;
const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  // A raw CR would be normalised to LF by every XML parser.
  '\r': '&#13;',
};

/** Escapes text for an element or a double-quoted attribute. */
export function escapeXml(text: string): string {
  return text.replace(XML_SPECIAL, (char) => ENTITY[char] ?? char);
}

/** Shopper text as a cell's `<t>`: legal XML, no accidental Excel escapes, within Excel's limit. */
export function cellText(text: string): string {
  let clean = text.replace(ILLEGAL, '').replace(LONE_SURROGATE, '\uFFFD');
  if (clean.length > XLSX_CELL_TEXT_MAX) {
    clean = clean.slice(0, XLSX_CELL_TEXT_MAX);
    // Never end on the first half of a pair that was cut.
    if (/[\uD800-\uDBFF]$/.test(clean)) clean = clean.slice(0, -1);
  }
  return escapeXml(clean.replace(EXCEL_ESCAPE, '_x005F_$1'));
}

/** 1 -> "A", 13 -> "M", 27 -> "AA". */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

const MS_PER_DAY = 86_400_000;
/** Days from Excel's 1900 epoch (with its phantom 29 Feb 1900) to 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;

/** A UTC instant as an Excel date serial (the sheet's times are UTC). */
export function excelSerial(time: Date): number {
  return time.getTime() / MS_PER_DAY + UNIX_EPOCH_SERIAL;
}
