import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellText, columnLetter, escapeXml, excelSerial, XLSX_CELL_TEXT_MAX } from './xml.ts';

/** Spreadsheet column names, counted the slow way: bijective base 26. */
function columnNumber(letters: string): number {
  return [...letters].reduce((n, char) => n * 26 + char.charCodeAt(0) - 64, 0);
}

describe('SpreadsheetML encodings', () => {
  it.each([
    [1, 'A'],
    [13, 'M'],
    [26, 'Z'],
    [27, 'AA'],
    [52, 'AZ'],
    [703, 'AAA'],
  ])('names column %i %s', (index, letters) => {
    expect(columnLetter(index)).toBe(letters);
  });

  it('names every column so that the name counts back to its number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16_384 }), (index) => {
        const letters = columnLetter(index);
        expect(letters).toMatch(/^[A-Z]+$/);
        expect(columnNumber(letters)).toBe(index);
      }),
    );
  });

  it('escapes markup and keeps CR as a character reference', () => {
    expect(escapeXml('a<b>&"c"\r\n')).toBe('a&lt;b&gt;&amp;&quot;c&quot;&#13;\n');
  });

  it('strips characters XML 1.0 cannot carry, replaces half surrogate pairs, keeps whole ones', () => {
    expect(cellText('a\u0000b\u0008c\u000Bd\u001Fe\uFFFEf\tg\nh')).toBe('abcdef\tg\nh');
    expect(cellText('x\uD800y\uDC00z')).toBe('x\uFFFDy\uFFFDz');
    expect(cellText('🛒 cart')).toBe('🛒 cart');
  });

  it('escapes text that Excel would decode as its own _xHHHH_ escape', () => {
    expect(cellText('_x0041_ and _x00e9_')).toBe('_x005F_x0041_ and _x005F_x00e9_');
    expect(cellText('_x41_ and x0041_')).toBe('_x41_ and x0041_');
  });

  it("cuts text to Excel's cell limit without splitting a surrogate pair", () => {
    expect(cellText('a'.repeat(XLSX_CELL_TEXT_MAX + 10))).toHaveLength(XLSX_CELL_TEXT_MAX);
    const cut = cellText(`${'a'.repeat(XLSX_CELL_TEXT_MAX - 1)}🛒`);
    expect(cut).toBe('a'.repeat(XLSX_CELL_TEXT_MAX - 1));
  });

  it('turns UTC instants into Excel serials (1970-01-01 is 25569, a day is 1)', () => {
    expect(excelSerial(new Date('1970-01-01T00:00:00Z'))).toBe(25_569);
    expect(excelSerial(new Date('2026-11-23T12:00:00Z'))).toBe(46_349.5);
  });
});
