/** Reads an XLSX package without any zip or XML library, to check what the writer put in it. */
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { expect } from 'vitest';

/** The entries of a zip, by name, read from its central directory (no zip library involved). */
export async function unzip(path: string): Promise<Map<string, string>> {
  const zip = await readFile(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error('no end of central directory');
  const entries = new Map<string, string>();
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i += 1) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central header at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    entries.set(name, (method === 8 ? inflateRawSync(data) : data).toString('utf8'));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}

// XML 1.0 characters: tab, LF, CR, and everything from space up except the two non-characters.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const BAD_AMPERSAND = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);)/;
const TOKEN = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/y;

/** Well formed in the sense a strict parser needs: one root, tags nest, text and values escaped. */
export function expectWellFormed(name: string, xml: string): void {
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?>\n/.exec(xml);
  expect(prolog, `${name}: XML declaration`).not.toBeNull();
  expect(NOT_XML_CHAR.test(xml), `${name}: characters XML cannot carry`).toBe(false);
  const stack: string[] = [];
  let roots = 0;
  TOKEN.lastIndex = prolog?.[0].length ?? 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(xml);
    if (match === null)
      throw new Error(`${name}: not well formed at ${at}: ${xml.slice(at, at + 60)}`);
    const [, closing, tag, attributes, selfClosing, text] = match;
    if (text !== undefined) {
      expect(stack.length, `${name}: text outside the root`).toBeGreaterThan(0);
      expect(BAD_AMPERSAND.test(text), `${name}: bare & in text`).toBe(false);
      continue;
    }
    expect(BAD_AMPERSAND.test(attributes ?? ''), `${name}: bare & in <${tag}>`).toBe(false);
    if (closing) {
      expect(stack.pop(), `${name}: </${tag}> closes the wrong element`).toBe(tag);
      continue;
    }
    if (stack.length === 0) roots += 1;
    if (!selfClosing) stack.push(tag ?? '');
  }
  expect(stack, `${name}: unclosed elements`).toEqual([]);
  expect(roots, `${name}: root elements`).toBe(1);
}
