/**
 * Reading a request body, once for every route: the size limit (413, one answer everywhere, the
 * Node fast path included) and the JSON check (415).
 */
import { bodyLimit } from 'hono/body-limit';
import { HttpError } from './errors.ts';

export const MAX_BODY_BYTES = 64 * 1024;

// One decoder for every request: without `stream`, decode() keeps no state between calls.
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** application/json and the +json types (application/vnd.api+json and the like). */
export const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

/** The one 413 every route answers: how large a body may be, in KiB and in bytes. */
export function tooLarge(limit = MAX_BODY_BYTES): HttpError {
  return new HttpError(413, `body is larger than ${limit / 1024} KiB`, [
    { path: '(body)', problem: `at most ${limit} bytes` },
  ]);
}

/** 415 unless the Content-Type is JSON. */
export function requireJsonType(contentType: string | undefined): void {
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new HttpError(415, 'body must be JSON (Content-Type: application/json)', [
      { path: '(headers).content-type', problem: `got ${contentType ?? 'none'}` },
    ]);
  }
}

/** The raw body as UTF-8 text through `parse`, or 415 with the parser's reason. */
export function parseJsonText(
  raw: Uint8Array,
  contentType: string | undefined,
  parse: (text: string) => unknown,
): unknown {
  requireJsonType(contentType);
  try {
    return parse(utf8.decode(raw));
  } catch (error) {
    throw new HttpError(415, 'body is not valid JSON', [
      { path: '(body)', problem: (error as Error).message.slice(0, 200) },
    ]);
  }
}

export function parseJsonBody(raw: Uint8Array, contentType: string | undefined): unknown {
  return parseJsonText(raw, contentType, JSON.parse);
}

/**
 * Reads the raw body, refusing more than `limit` bytes. A declared Content-Length over the limit
 * is refused before reading; a body without one is read as a stream and cut off at the limit, so
 * a huge chunked upload never sits in memory.
 */
export async function readLimitedBody(
  request: Request,
  limit = MAX_BODY_BYTES,
): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (declared !== null || request.body === null) {
    const raw = new Uint8Array(await request.arrayBuffer());
    if (raw.byteLength > limit) throw tooLarge(limit);
    return raw;
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  const raw = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    raw.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return raw;
}

/** For routes that read their body through Hono helpers: the same limit as middleware. */
export function limitBody() {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw tooLarge();
    },
  });
}
