/** Driving the storefront snippet lane the way browsers (and curl) do, from any client address. */
import { randomBytes } from 'node:crypto';
import type { OutgoingEmail } from '../../src/ports/mailer.ts';
import { openTestRuntime } from './runtime.ts';

export const SNIPPET_KEY = 'pk_test_0123456789';
export const SHOP = 'https://shop.example';

export type TestRuntime = ReturnType<typeof openTestRuntime>;

export function openSnippetRuntime(env: Record<string, string> = {}, start?: number): TestRuntime {
  return openTestRuntime(
    { CR_SNIPPET_KEY: SNIPPET_KEY, CR_SNIPPET_ORIGINS: SHOP, ...env },
    start ?? Date.parse('2026-11-23T10:00:00Z'),
  );
}

/** What snippet.js makes once per browser: 24 random bytes, base64url. */
export function browserToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A shopper's cart on the store, every link on its host. */
export function shopCart(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'c1',
    email: 'sam@example.com',
    currency: 'USD',
    total: '59.00',
    items: [
      {
        sku: 'SHIRT',
        name: 'Linen shirt',
        quantity: 1,
        price: '59.00',
        url: `${SHOP}/p/shirt`,
        imageUrl: `${SHOP}/i/shirt.jpg`,
      },
    ],
    restoreUrl: `${SHOP}/cart/c1`,
    ...over,
  };
}

export interface SnippetRequest {
  readonly body: unknown;
  /** The Origin header; null sends none. */
  readonly origin?: string | null;
  /** The connection's peer address as the Node server reports it. */
  readonly ip?: string;
  readonly forwardedFor?: string;
}

export interface SnippetAnswer {
  readonly status: number;
  readonly json: {
    cart?: { id: string; status: string };
    details?: Array<{ path: string; problem: string }>;
    ignored?: Array<{ path: string; problem: string }>;
    error?: string;
  };
}

export async function postSnippet(
  rt: TestRuntime,
  request: SnippetRequest,
): Promise<SnippetAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const origin = request.origin === undefined ? SHOP : request.origin;
  if (origin !== null) headers.origin = origin;
  if (request.forwardedFor !== undefined) headers['x-forwarded-for'] = request.forwardedFor;
  const res = await rt.app.request(
    '/snippet/events',
    { method: 'POST', headers, body: JSON.stringify(request.body) },
    { incoming: { socket: { remoteAddress: request.ip ?? '203.0.113.1' } } },
  );
  return { status: res.status, json: (await res.json()) as SnippetAnswer['json'] };
}

/** Every http(s) link a reminder carries, in its text and its HTML (entities decoded). */
export function linksIn(mail: Pick<OutgoingEmail, 'text' | 'html'>): string[] {
  const found = `${mail.text}\n${mail.html}`.match(/https?:\/\/[^\s"'<>)]+/g) ?? [];
  return [...new Set(found.map((link) => link.replaceAll('&amp;', '&')))];
}

let visitor = 0;

/**
 * Where the reminder's cart link (`/c?t=`) sends a shopper now, or null when it lands nowhere.
 * Each visit comes from its own address, so the shopper links' own limits never answer instead.
 */
export async function cartLinkTarget(
  rt: TestRuntime,
  mail: Pick<OutgoingEmail, 'text' | 'html'>,
): Promise<string | null> {
  const link = linksIn(mail).find((l) => new URL(l).pathname === '/c');
  if (link === undefined) return null;
  const url = new URL(link);
  visitor++;
  const res = await rt.app.request(
    `${url.pathname}${url.search}`,
    { redirect: 'manual' },
    { incoming: { socket: { remoteAddress: `192.0.2.${visitor % 250}` } } },
  );
  return res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
}

/** The cart a reminder was about: its audit row names the Message-ID. */
export async function cartOfMail(rt: TestRuntime, messageId: string): Promise<string | null> {
  const rows = rt.db
    .prepare(
      "SELECT cart_id FROM audit WHERE action = 'reminder_sent' AND json_extract(detail, '$.messageId') = ?",
    )
    .all(messageId) as Array<{ cart_id: string }>;
  return rows[0]?.cart_id ?? null;
}

export function cartIds(rt: TestRuntime): string[] {
  return (rt.db.prepare('SELECT id FROM carts ORDER BY id').all() as Array<{ id: string }>).map(
    (row) => row.id,
  );
}
