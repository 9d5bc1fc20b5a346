/**
 * Just enough of a MIME reader to check what a mailer produced (mailparser is not installed):
 * unfolded headers with RFC 2047 words decoded, multipart bodies walked, quoted-printable and
 * base64 parts decoded as UTF-8. Written independently of nodemailer so it checks, not echoes.
 */

export interface ParsedMessage {
  /** Lower-cased header name to its values, unfolded and decoded, in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly subject: string;
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  /** Line breaks normalised to \n. */
  readonly text: string | null;
  readonly html: string | null;
  /** Envelope recipients, when the transport has one (SMTP). */
  readonly envelopeTo?: readonly string[];
}

interface Part {
  readonly headers: Map<string, string[]>;
  readonly body: string;
}

function decodeWords(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 section 6.2).
  const joined = value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1');
  return joined.replace(
    /=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g,
    (_m, charset, enc, text) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : qpBytes(text.replace(/_/g, ' '), false);
      return new TextDecoder(String(charset).toLowerCase()).decode(bytes);
    },
  );
}

function qpBytes(text: string, softBreaks = true): Buffer {
  const source = softBreaks ? text.replace(/=\r?\n/g, '') : text;
  const out: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const hex = source.slice(i + 1, i + 3);
    if (source[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      out.push(...Buffer.from(source[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(out);
}

function splitPart(raw: string): Part {
  const normal = raw.replace(/\r\n/g, '\n');
  const end = normal.indexOf('\n\n');
  const head = end === -1 ? normal : normal.slice(0, end);
  const body = end === -1 ? '' : normal.slice(end + 2);
  const headers = new Map<string, string[]>();
  const lines = head.replace(/\n[ \t]+/g, ' ').split('\n');
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = decodeWords(line.slice(colon + 1).trim());
    headers.set(name, [...(headers.get(name) ?? []), value]);
  }
  return { headers, body };
}

function param(header: string, name: string): string | null {
  const match = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i').exec(header);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function decodeBody(part: Part): string {
  const encoding = (part.headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  const charset = param(part.headers.get('content-type')?.[0] ?? '', 'charset') ?? 'utf-8';
  const bytes =
    encoding === 'base64'
      ? Buffer.from(part.body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? qpBytes(part.body)
        : Buffer.from(part.body, 'utf8');
  return new TextDecoder(charset.toLowerCase()).decode(bytes);
}

function leaves(part: Part): Part[] {
  const type = part.headers.get('content-type')?.[0] ?? 'text/plain';
  const boundary = param(type, 'boundary');
  if (!/^multipart\//i.test(type) || boundary === null) return [part];
  const chunks = part.body.split(`--${boundary}`);
  const inner: Part[] = [];
  // chunks[0] is the preamble; a chunk starting with "--" is the closing delimiter.
  for (const chunk of chunks.slice(1)) {
    if (chunk.startsWith('--')) break;
    inner.push(...leaves(splitPart(chunk.replace(/^\n/, '').replace(/\n$/, ''))));
  }
  return inner;
}

export function parseMime(raw: string | Buffer, envelopeTo?: readonly string[]): ParsedMessage {
  const root = splitPart(typeof raw === 'string' ? raw : raw.toString('utf8'));
  const first = (name: string): string => root.headers.get(name)?.[0] ?? '';
  const body = (type: string): string | null => {
    const leaf = leaves(root).find((p) =>
      (p.headers.get('content-type')?.[0] ?? 'text/plain').toLowerCase().startsWith(type),
    );
    return leaf ? decodeBody(leaf).replace(/\r\n/g, '\n') : null;
  };
  return {
    headers: root.headers,
    subject: first('subject'),
    messageId: first('message-id'),
    from: first('from'),
    to: first('to'),
    text: body('text/plain'),
    html: body('text/html'),
    ...(envelopeTo ? { envelopeTo } : {}),
  };
}
