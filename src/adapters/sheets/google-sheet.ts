/**
 * The nightly sheet as a Google Sheet per day ("Carts YYYY-MM-DD") in one Drive folder, over
 * plain REST: a service-account JWT (RS256, node:crypto) traded for a token, then Drive v3 to find
 * or create the spreadsheet and Sheets v4 to replace its values. No Google SDK.
 */
import { sign } from 'node:crypto';
import {
  flagText,
  formatSheetTime,
  isSheetDay,
  SHEET_COLUMNS,
  SHEET_HEADER,
  SheetCellKind,
} from '../../domain/sheet-row.ts';
import type { Sheet, SheetRow } from '../../ports/sheet.ts';

export interface GoogleSheetOptions {
  readonly credentials: { readonly clientEmail: string; readonly privateKey: string };
  readonly folderId: string;
  readonly fetch?: typeof fetch;
  readonly tokenUrl?: string;
  readonly sheetsBaseUrl?: string;
  readonly driveBaseUrl?: string;
  /** Rows per values request: big enough to be quick, small enough to stay streamed. */
  readonly batchSize?: number;
  /** Waits before retrying a 429 or 5xx answer, one per retry. */
  readonly retryDelaysMs?: readonly number[];
  readonly now?: () => number;
}

export class GoogleApiError extends Error {
  override readonly name = 'GoogleApiError';
  constructor(
    message: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/drive',
  'https://www.googleapis.com/auth/spreadsheets',
].join(' ');
export const SPREADSHEET_MIME_TYPE = 'application/vnd.google-apps.spreadsheet';
const TOKEN_LIFETIME_S = 3600;

type Cell = string | number | boolean;

export function createGoogleSheet(options: GoogleSheetOptions): Sheet {
  const api = createGoogleApi(options);
  const batchSize = options.batchSize ?? 5000;
  const lastColumn = String.fromCharCode(64 + SHEET_COLUMNS.length);

  return {
    async writeDay(day, rows) {
      if (!isSheetDay(day)) throw new GoogleApiError(`"${day}" is not a day like 2026-11-23`, 0);
      const name = `Carts ${day}`;
      const id = (await findSpreadsheet(api, options.folderId, name)) ?? (await create(name));
      const values = `${api.sheetsBaseUrl}/spreadsheets/${encodeURIComponent(id)}/values`;
      let cleared = false;
      let nextRow = 1;
      let batch: Cell[][] = [[...SHEET_HEADER]];
      let count = 0;

      // Clearing waits for the first full batch, so a source that fails at once leaves the
      // previous run's rows in place. A failure later leaves a partial sheet: Sheets has no
      // rename-over, and the next run replaces it.
      const flush = async (): Promise<void> => {
        if (!cleared) {
          await api.call('POST', `${values}/${encodeURIComponent(`A:${lastColumn}`)}:clear`, {});
          cleared = true;
        }
        if (batch.length === 0) return;
        const range = `A${nextRow}`;
        await api.call('PUT', `${values}/${range}?valueInputOption=RAW`, {
          range,
          majorDimension: 'ROWS',
          values: batch,
        });
        nextRow += batch.length;
        batch = [];
      };

      for await (const row of rows) {
        batch.push(toCells(row));
        count += 1;
        if (batch.length >= batchSize) await flush();
      }
      await flush();
      return { location: `https://docs.google.com/spreadsheets/d/${id}`, rows: count };
    },
  };

  async function create(name: string): Promise<string> {
    const created = await api.call('POST', `${api.driveBaseUrl}/files?supportsAllDrives=true`, {
      name,
      mimeType: SPREADSHEET_MIME_TYPE,
      parents: [options.folderId],
    });
    return stringField(created, 'id');
  }
}

/**
 * RAW input stores every value exactly as sent: a string is never parsed as a formula, number or
 * date. So shopper text needs no quote prefix here, and times go as readable UTC text.
 */
function toCells(row: SheetRow): Cell[] {
  return SHEET_COLUMNS.map((column) => {
    const value = row[column.key];
    if (value === null) return '';
    if (value instanceof Date) return formatSheetTime(value);
    if (column.kind === SheetCellKind.money || column.kind === SheetCellKind.count) {
      return Number(value);
    }
    if (column.kind === SheetCellKind.flag) return flagText(Boolean(value));
    return String(value);
  });
}

async function findSpreadsheet(
  api: GoogleApi,
  folderId: string,
  name: string,
): Promise<string | null> {
  const q = `name = '${escapeQuery(name)}' and '${escapeQuery(folderId)}' in parents and mimeType = '${SPREADSHEET_MIME_TYPE}' and trashed = false`;
  const params = new URLSearchParams({
    q,
    fields: 'files(id,name)',
    orderBy: 'createdTime',
    supportsAllDrives: 'true',
    includeItemsFromAllDrives: 'true',
  });
  const listed = await api.call('GET', `${api.driveBaseUrl}/files?${params}`);
  const files = (listed as { files?: unknown }).files;
  if (!Array.isArray(files) || files.length === 0) return null;
  // Two spreadsheets can only come from a race between two first runs; the oldest wins.
  return stringField(files[0], 'id');
}

/** Drive query strings are single-quoted; backslash and quote are the two characters to escape. */
export function escapeQuery(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll("'", "\\'");
}

function stringField(value: unknown, field: string): string {
  const found = (value as Record<string, unknown> | null)?.[field];
  if (typeof found !== 'string') throw new GoogleApiError(`answer has no "${field}"`, 0);
  return found;
}

interface GoogleApi {
  readonly sheetsBaseUrl: string;
  readonly driveBaseUrl: string;
  call(method: string, url: string, body?: unknown): Promise<unknown>;
}

function createGoogleApi(options: GoogleSheetOptions): GoogleApi {
  const doFetch = options.fetch ?? fetch;
  const tokenUrl = options.tokenUrl ?? 'https://oauth2.googleapis.com/token';
  const now = options.now ?? Date.now;
  const retryDelays = options.retryDelaysMs ?? [1000, 4000];
  let token: { value: string; expiresAt: number } | null = null;

  async function request(url: string, init: RequestInit): Promise<unknown> {
    for (let attempt = 0; ; attempt += 1) {
      const response = await doFetch(url, init);
      const text = await response.text();
      if (response.ok) return text === '' ? {} : JSON.parse(text);
      const delay = retryDelays[attempt];
      const retriable = response.status === 429 || response.status >= 500;
      if (!retriable || delay === undefined) {
        const path = new URL(url).pathname;
        throw new GoogleApiError(
          `${init.method} ${path} answered ${response.status}: ${text}`,
          response.status,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async function accessToken(): Promise<string> {
    if (token && token.expiresAt > now() + 60_000) return token.value;
    const assertion = serviceAccountJwt(options.credentials, tokenUrl, Math.floor(now() / 1000));
    const answer = await request(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
    });
    const expiresIn = (answer as { expires_in?: unknown }).expires_in;
    token = {
      value: stringField(answer, 'access_token'),
      expiresAt: now() + (typeof expiresIn === 'number' ? expiresIn : TOKEN_LIFETIME_S) * 1000,
    };
    return token.value;
  }

  return {
    sheetsBaseUrl: options.sheetsBaseUrl ?? 'https://sheets.googleapis.com/v4',
    driveBaseUrl: options.driveBaseUrl ?? 'https://www.googleapis.com/drive/v3',
    async call(method, url, body) {
      const headers: Record<string, string> = { authorization: `Bearer ${await accessToken()}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const init: RequestInit = { method, headers };
      if (body !== undefined) init.body = JSON.stringify(body);
      return request(url, init);
    },
  };
}

/** The signed assertion of Google's service-account flow (RFC 7523 JWT bearer grant). */
export function serviceAccountJwt(
  credentials: GoogleSheetOptions['credentials'],
  audience: string,
  issuedAtS: number,
): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({
    iss: credentials.clientEmail,
    scope: GOOGLE_SCOPES,
    aud: audience,
    iat: issuedAtS,
    exp: issuedAtS + TOKEN_LIFETIME_S,
  })}`;
  // Keys pasted into environment variables often arrive with literal "\n" for line breaks.
  const key = credentials.privateKey.replaceAll('\\n', '\n');
  const signature = sign('RSA-SHA256', Buffer.from(unsigned), key).toString('base64url');
  return `${unsigned}.${signature}`;
}
