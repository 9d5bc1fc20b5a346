/**
 * `cart-recovery demo` end to end, in-process, on a temp data dir: the promises a shopper relies
 * on, checked from the audit trail the demo leaves behind rather than from what it printed.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditRow } from '../../src/adapters/sqlite/sqlite-audit.ts';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { COMMANDS } from '../../src/cli/main.ts';
import { parseMime } from '../contracts/mime-parse.ts';

/** The audit columns the demo's story is checked against (the table is read directly). */
type Row = Pick<
  AuditRow,
  'cart_id' | 'email' | 'action' | 'actor' | 'at' | 'reason' | 'detail' | 'after'
>;

let dataDir: string;
let exitCode: number;
let output: string[];
let rows: Row[];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'cr-demo-e2e-'));
  const parsed = parseCommandArgs(COMMANDS.demo, ['--data-dir', dataDir]);
  if (parsed.kind !== 'run') throw new Error('demo --data-dir was not parsed as a run');
  output = [];
  exitCode = await COMMANDS.demo.run(parsed.args, {
    log: (line) => output.push(line),
    env: {},
  });
  const db = new Database(join(dataDir, 'cart-recovery.sqlite'), { readonly: true });
  rows = db
    .prepare(
      'SELECT cart_id, email, action, actor, at, reason, detail, after FROM audit ORDER BY at, seq',
    )
    .all() as Row[];
  db.close();
}, 180_000);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

const step = (row: Row) => (JSON.parse(row.detail ?? '{}') as { step?: number }).step;
const sends = () => rows.filter((r) => r.action === 'reminder_sent');

describe('cart-recovery demo', () => {
  it('finishes and says where the outbox is', () => {
    expect(exitCode).toBe(0);
    expect(output.join('\n')).toContain(join(dataDir, 'outbox'));
    expect(output.join('\n')).toMatch(/npx cart-recovery audit d1-c\d{4}/);
  });

  it("leaves the day's sheet and prints the month's summary", () => {
    const sheets = readdirSync(join(dataDir, 'exports'));
    expect(sheets.some((f) => f.endsWith('.csv'))).toBe(true);
    expect(sheets.some((f) => f.endsWith('.xlsx'))).toBe(true);
    const csv = readFileSync(
      join(dataDir, 'exports', sheets.find((f) => f.endsWith('.csv')) ?? ''),
      'utf8',
    );
    expect(csv).toContain('d1-c0001');
    const printed = output.join('\n');
    const sent = /Reminders sent\s+(\d+)/.exec(printed)?.[1];
    expect(Number(sent)).toBe(rows.filter((r) => r.action === 'reminder_sent').length);
  });

  it('leaves one .eml file in the outbox for every reminder sent', () => {
    const files = readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(sends().length).toBeGreaterThan(0);
    expect(files).toHaveLength(sends().length);
  });

  it('plays checkouts before and after reminders, all three steps, holds and give-ups', () => {
    const actions = new Set(rows.map((r) => r.action));
    for (const action of ['checkout', 'reminder_held', 'expired', 'suppress', 'write_off']) {
      expect(actions).toContain(action);
    }
    expect(new Set(sends().map(step))).toEqual(new Set([1, 2, 3]));
    const held = new Set(rows.filter((r) => r.action === 'reminder_held').map((r) => r.reason));
    expect(held).toContain('quiet_hours');
    expect(held).toContain('frequency_cap');
  });

  it('never sends a reminder to a cart after its checkout', () => {
    const checkouts = rows.filter((r) => r.action === 'checkout');
    expect(checkouts.length).toBeGreaterThan(50);
    const boughtAfterReminder = checkouts.filter((c) =>
      sends().some((s) => s.cart_id === c.cart_id && s.at < c.at),
    );
    expect(boughtAfterReminder.length).toBeGreaterThan(0);
    for (const checkout of checkouts) {
      const late = sends().filter((s) => s.cart_id === checkout.cart_id && s.at > checkout.at);
      expect(late, `cart ${checkout.cart_id}`).toEqual([]);
    }
  });

  it('sends nothing to an address after it unsubscribed through the link in its email', () => {
    const unsubscribes = rows.filter((r) => r.action === 'unsubscribe');
    expect(unsubscribes.length).toBeGreaterThan(0);
    for (const unsubscribe of unsubscribes) {
      expect(unsubscribe.actor).toBe('shopper');
      const before = sends().filter((s) => s.email === unsubscribe.email && s.at <= unsubscribe.at);
      const after = sends().filter((s) => s.email === unsubscribe.email && s.at > unsubscribe.at);
      expect(before.length).toBeGreaterThan(0);
      expect(after).toEqual([]);
    }
    const skipped = rows.filter((r) => r.action === 'skipped' && r.reason === 'unsubscribed');
    expect(skipped.map((r) => r.email)).toContain(unsubscribes[0]?.email);
  });

  it('sends each step at most once per cart', () => {
    const seen = new Map<string, number>();
    for (const send of sends()) {
      const key = `${send.cart_id} step ${step(send)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
  });

  it('gives a saved-link cart the "Still saving" copy, and the others the usual one', () => {
    const savedSends = sends().filter((s) => {
      const after = JSON.parse(s.after ?? '{}') as { savedLink?: boolean };
      return after.savedLink === true;
    });
    expect(savedSends.length).toBeGreaterThan(0);
    for (const send of savedSends) {
      const { receipt } = JSON.parse(send.detail ?? '{}') as { receipt: string };
      const mail = parseMime(readFileSync(receipt));
      expect(mail.subject).toContain('Still saving');
      expect(mail.text).toContain('Still saving');
    }
    const plain = sends().find((s) => !savedSends.includes(s));
    const { receipt } = JSON.parse(plain?.detail ?? '{}') as { receipt: string };
    expect(parseMime(readFileSync(receipt)).subject).not.toContain('Still saving');
  });
});
