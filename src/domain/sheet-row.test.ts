import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BARE, makeCart } from '../../test/support/cart-fixtures.ts';
import type { Cart } from './cart.ts';
import type { SheetRow } from './sheet-row.ts';
import {
  isSheetDay,
  neutraliseForCsv,
  SHEET_CSV_HEADER_LINE,
  SHEET_HEADER,
  sheetRowToCsvLine,
  toSheetRow,
} from './sheet-row.ts';

const T0 = Date.UTC(2026, 10, 23, 7, 58, 0);

function cart(overrides: Partial<Cart> = {}): Cart {
  return makeCart({
    ...BARE,
    id: 'c_42',
    items: [
      { sku: 'S', name: 'Linen shirt', quantity: 2, priceMinor: 2900, url: null, imageUrl: null },
      { sku: 'C', name: 'Candle', quantity: 1, priceMinor: 2650, url: null, imageUrl: null },
    ],
    createdAt: T0,
    lastActivityAt: T0,
    remindersSent: 1,
    version: 1,
    ...overrides,
  });
}

/** Minimal RFC 4180 reader for one record, to check what a spreadsheet would see. */
function parseCsvRecord(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i += 1;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new Error('unterminated quote');
        field += line.slice(i, quote);
        i = quote + 1;
        if (line[i] !== '"') break;
        field += '"';
        i += 1;
      }
    } else {
      const end = line.slice(i).search(/,|\r\n$/);
      field = line.slice(i, end < 0 ? undefined : i + end);
      i += field.length;
    }
    fields.push(field);
    if (line[i] !== ',') return fields;
    i += 1;
  }
}

describe('toSheetRow', () => {
  it('lists items with quantities and gives the total in currency units', () => {
    const row = toSheetRow(cart(), 'https://shop.example/owner/carts/c_42');
    expect(row.items).toBe('2 x Linen shirt; 1 x Candle');
    expect(row.total).toBe(84.5);
    expect(row.link).toBe('https://shop.example/owner/carts/c_42');
    expect(row.lastActivityAt).toEqual(new Date(T0));
    expect(row.recovered).toBe(false);
    expect(row.recoveredAt).toBeNull();
  });

  it('uses each currency exponent (JPY has none, KWD has three)', () => {
    expect(toSheetRow(cart({ currency: 'JPY', totalMinor: 8450 }), 'x').total).toBe(8450);
    expect(toSheetRow(cart({ currency: 'KWD', totalMinor: 8450 }), 'x').total).toBe(8.45);
  });

  it('is exact for every amount: the number prints back as the decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), (minor) => {
        const total = toSheetRow(cart({ totalMinor: minor }), 'x').total;
        const text = String(minor).padStart(3, '0');
        expect(total.toFixed(2)).toBe(`${text.slice(0, -2)}.${text.slice(-2)}`);
      }),
    );
  });

  it('marks a recovered cart with its time', () => {
    const row = toSheetRow(cart({ status: 'bought', recoveredAt: T0 + 3_600_000 }), 'x');
    expect(row.recovered).toBe(true);
    expect(row.recoveredAt).toEqual(new Date(T0 + 3_600_000));
  });
});

describe('neutraliseForCsv', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['Crème brûlée', 'Crème brûlée'],
  ])('%j becomes %j', (input, expected) => {
    expect(neutraliseForCsv(input)).toBe(expected);
  });

  it('reads back as the same text, or that text behind one quote, and never as a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const [field, ...rest] = parseCsvRecord(`${neutraliseForCsv(text)}\r\n`);
        expect(rest).toEqual([]);
        expect([text, `'${text}`]).toContain(field);
        expect('=+-@\t\r').not.toContain(field?.charAt(0) || 'x');
      }),
    );
  });
});

describe('CSV lines', () => {
  it('has one header field per column', () => {
    expect(parseCsvRecord(SHEET_CSV_HEADER_LINE)).toEqual(SHEET_HEADER);
  });

  it('keeps numbers as numbers and neutralises every shopper text', () => {
    const hostile: SheetRow = {
      ...toSheetRow(cart({ email: '=cmd|calc' }), 'https://o.example/c'),
      items: '1 x =HYPERLINK("http://evil")',
      cartId: '-c, "quoted"',
    };
    const fields = parseCsvRecord(sheetRowToCsvLine(hostile));
    expect(fields).toEqual([
      `'-c, "quoted"`,
      `'=cmd|calc`,
      '1 x =HYPERLINK("http://evil")',
      '84.50',
      'USD',
      'open',
      '',
      '1',
      'No',
      '2026-11-23 07:58:00',
      'No',
      '',
      'https://o.example/c',
    ]);
  });
});

describe('isSheetDay', () => {
  it('accepts only a calendar-shaped day, so a day cannot reach outside the folder', () => {
    expect(isSheetDay('2026-11-23')).toBe(true);
    expect(isSheetDay('../etc/passwd')).toBe(false);
    expect(isSheetDay('2026-13-01')).toBe(false);
    expect(isSheetDay('2026-11-23x')).toBe(false);
  });
});
