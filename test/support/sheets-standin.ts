/**
 * A local stand-in for the few Google endpoints the sheet adapter uses: the OAuth token endpoint,
 * Drive v3 files.list / files.create, Sheets v4 values clear / update. In memory; every request
 * is recorded so tests can check what would have gone over the wire.
 */
import { type KeyObject, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly rawBody: string;
}

export interface StandinSpreadsheet {
  readonly id: string;
  readonly name: string;
  readonly mimeType: string;
  readonly parents: string[];
  /** What the grid holds; a USER_ENTERED "=..." becomes { formula }, as Google would parse it. */
  values: unknown[][];
}

export interface SheetsStandin {
  readonly tokenUrl: string;
  readonly driveBaseUrl: string;
  readonly sheetsBaseUrl: string;
  readonly requests: RecordedRequest[];
  readonly spreadsheets: Map<string, StandinSpreadsheet>;
  /** The assertion of each token request, as received. */
  readonly assertions: string[];
  /** Answers the next `times` API requests (not token requests) with `status`. */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

const SPREADSHEET = 'application/vnd.google-apps.spreadsheet';
const QUOTED = String.raw`'((?:[^'\\]|\\.)*)'`;
const LIST_QUERY = new RegExp(
  `^name = ${QUOTED} and ${QUOTED} in parents(?: and mimeType = ${QUOTED})? and trashed = false$`,
);
const unquote = (text: string): string => text.replace(/\\(.)/g, '$1');

/** Starts the stand-in; token requests are refused unless signed by `publicKey`'s private half. */
export async function startSheetsStandin(publicKey: KeyObject): Promise<SheetsStandin> {
  const requests: RecordedRequest[] = [];
  const spreadsheets = new Map<string, StandinSpreadsheet>();
  const assertions: string[] = [];
  const tokens = new Set<string>();
  let failures: { status: number; times: number } = { status: 0, times: 0 };

  const handle = (req: IncomingMessage, rawBody: string, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://standin');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, query: url.searchParams, rawBody });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };

    if (url.pathname === '/token' && method === 'POST') {
      const form = new URLSearchParams(rawBody);
      const assertion = form.get('assertion') ?? '';
      assertions.push(assertion);
      const grantOk = form.get('grant_type') === 'urn:ietf:params:oauth:grant-type:jwt-bearer';
      if (!grantOk || !isSignedBy(assertion, publicKey))
        return send(400, { error: 'invalid_grant' });
      const token = `tok-${tokens.size + 1}`;
      tokens.add(token);
      return send(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
    }
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!tokens.has(bearer)) return send(401, { error: { code: 401, message: 'no token' } });
    if (failures.times > 0) {
      failures = { ...failures, times: failures.times - 1 };
      return send(failures.status, { error: { code: failures.status, message: 'injected' } });
    }

    if (url.pathname === '/drive/v3/files' && method === 'GET') {
      const match = LIST_QUERY.exec(url.searchParams.get('q') ?? '');
      if (!match)
        return send(400, { error: { message: `unsupported q ${url.searchParams.get('q')}` } });
      const [name, parent, mimeType] = match
        .slice(1)
        .map((g) => (g === undefined ? g : unquote(g)));
      const files = [...spreadsheets.values()]
        .filter((f) => f.name === name && f.parents.includes(parent ?? ''))
        .filter((f) => mimeType === undefined || f.mimeType === mimeType)
        .map(({ id }) => ({ id, name }));
      return send(200, { files });
    }
    if (url.pathname === '/drive/v3/files' && method === 'POST') {
      const body = JSON.parse(rawBody) as { name: string; mimeType: string; parents: string[] };
      const id = `ss_${spreadsheets.size + 1}`;
      spreadsheets.set(id, {
        id,
        name: body.name,
        mimeType: body.mimeType,
        parents: body.parents,
        values: [],
      });
      return send(200, { id, name: body.name, mimeType: body.mimeType });
    }

    const values = /^\/v4\/spreadsheets\/([^/]+)\/values\/([^/]+)$/.exec(url.pathname);
    const sheet = values ? spreadsheets.get(decodeURIComponent(values[1] ?? '')) : undefined;
    if (values && !sheet) return send(404, { error: { message: 'no such spreadsheet' } });
    if (values && sheet?.mimeType !== SPREADSHEET)
      return send(400, { error: { message: 'not a sheet' } });
    const range = decodeURIComponent(values?.[2] ?? '');
    if (sheet && method === 'POST' && range.endsWith(':clear')) {
      sheet.values = [];
      return send(200, { spreadsheetId: sheet.id, clearedRange: range.slice(0, -6) });
    }
    if (sheet && method === 'PUT') {
      const option = url.searchParams.get('valueInputOption');
      if (option !== 'RAW' && option !== 'USER_ENTERED') {
        return send(400, { error: { message: "'valueInputOption' is required" } });
      }
      const start = /^A(\d+)$/.exec(range);
      if (!start) return send(400, { error: { message: `unsupported range ${range}` } });
      const body = JSON.parse(rawBody) as { values: unknown[][] };
      body.values.forEach((row, i) => {
        sheet.values[Number(start[1]) - 1 + i] = row.map((cell) =>
          option === 'USER_ENTERED' && typeof cell === 'string' && cell.startsWith('=')
            ? { formula: cell }
            : cell,
        );
      });
      return send(200, { spreadsheetId: sheet.id, updatedRows: body.values.length });
    }
    return send(404, { error: { message: `no route ${method} ${url.pathname}` } });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    tokenUrl: `${base}/token`,
    driveBaseUrl: `${base}/drive/v3`,
    sheetsBaseUrl: `${base}/v4`,
    requests,
    spreadsheets,
    assertions,
    failNext(status, times = 1) {
      failures = { status, times };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function isSignedBy(jwt: string, publicKey: KeyObject): boolean {
  const [header, claims, signature] = jwt.split('.');
  if (header === undefined || claims === undefined || signature === undefined) return false;
  return verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${claims}`),
    publicKey,
    Buffer.from(signature, 'base64url'),
  );
}
