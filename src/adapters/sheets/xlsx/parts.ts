/** The fixed parts of the package around the one streamed worksheet. */
import { SHEET_COLUMNS } from '../../../domain/sheet-row.ts';

const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

export const SHEET_NAME = 'Carts';
export const SHEET_PART = 'xl/worksheets/sheet1.xml';

/** Every part except the worksheet (streamed) and styles.xml (known only after the rows). */
export const STATIC_PARTS: readonly { readonly name: string; readonly xml: string }[] = [
  {
    name: '[Content_Types].xml',
    xml:
      `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      `<Override PartName="/xl/workbook.xml" ContentType="${CT}.sheet.main+xml"/>` +
      `<Override PartName="/${SHEET_PART}" ContentType="${CT}.worksheet+xml"/>` +
      `<Override PartName="/xl/styles.xml" ContentType="${CT}.styles+xml"/>` +
      '</Types>',
  },
  {
    name: '_rels/.rels',
    xml:
      `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}">` +
      `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/>` +
      '</Relationships>',
  },
  {
    name: 'xl/workbook.xml',
    xml:
      `${XML_DECL}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
      '<bookViews><workbookView/></bookViews>' +
      `<sheets><sheet name="${SHEET_NAME}" sheetId="1" r:id="rId1"/></sheets>` +
      // The header row is printed again at the top of every page.
      `<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">${SHEET_NAME}!$1:$1</definedName></definedNames>` +
      '</workbook>',
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    xml:
      `${XML_DECL}<Relationships xmlns="${PKG_REL_NS}">` +
      `<Relationship Id="rId1" Type="${REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${REL_NS}/styles" Target="styles.xml"/>` +
      '</Relationships>',
  },
];

const COLS = SHEET_COLUMNS.map(
  (column, i) => `<col min="${i + 1}" max="${i + 1}" width="${column.width}" customWidth="1"/>`,
).join('');

/** Everything before the first row: fit-to-page printing, the frozen header, the column widths. */
export const SHEET_HEAD =
  `${XML_DECL}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
  '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
  '<sheetViews><sheetView workbookViewId="0">' +
  '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
  '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
  '</sheetView></sheetViews>' +
  '<sheetFormatPr defaultRowHeight="15"/>' +
  `<cols>${COLS}</cols>` +
  '<sheetData>';

/**
 * After the rows, how it prints: landscape, every column on one page's width (as many pages down
 * as the day needs), grid lines, and the sheet's name and page numbers in the footer.
 */
export const SHEET_TAIL =
  '</sheetData>' +
  '<printOptions gridLines="1"/>' +
  '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.3" footer="0.3"/>' +
  '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>' +
  '<headerFooter><oddFooter>&amp;LCarts &amp;D&amp;RPage &amp;P of &amp;N</oddFooter></headerFooter>' +
  '</worksheet>';
