/**
 * Sender health from per-day tallies, not from reading the audit trail. Counting sends, bounces
 * and complaints by reading 30 days of audit rows costs a read of every row (a DynamoDB Query is
 * billed on each item it reads, filters or not): about 5,000 read units a refresh at 1,000 carts
 * a month. Instead every store that writes an audit row also folds it into the tally of its UTC
 * day, in the same write, so a refresh reads at most 31 small items whatever the volume.
 *
 * A tally holds, per lane, how many reminders were sent and how many addresses bounced or
 * complained, and the latest time each hold started, ended or was cleared. A clear also keeps
 * the counts its day had at that moment (`base.…`), so "only what came after the clear counts"
 * stays exact inside that day.
 */
import { AuditAction, type AuditEntry } from './audit.ts';
import { type Lane, laneOf } from './lane.ts';
import type { SenderCounts } from './sender-health.ts';

export const TALLIED_COUNTS = {
  [AuditAction.reminderSent]: 'sent',
  [AuditAction.bounced]: 'bounced',
  [AuditAction.complained]: 'complained',
} as const satisfies Partial<Record<AuditAction, keyof SenderCounts>>;

/** Hold starts, ends and clears: their latest time per day. */
export const TALLIED_MARKS = [
  AuditAction.senderPaused,
  AuditAction.senderResumed,
  AuditAction.senderCleared,
  AuditAction.snippetPaused,
  AuditAction.snippetResumed,
] as const;
export type TalliedMark = (typeof TALLIED_MARKS)[number];

/** One change to one day's tally: add to a count, or keep the larger of two values. */
export interface TallyUpdate {
  readonly day: string;
  readonly field: string;
  readonly op: 'add' | 'max';
  readonly value: number;
}

/** One day's tally as stored: field name to number (absent fields are zero). */
export interface DayTally {
  readonly day: string;
  readonly values: Readonly<Record<string, number>>;
}

export const tallyDay = (at: number) => new Date(at).toISOString().slice(0, 10);

const countField = (lane: Lane, kind: keyof SenderCounts) => `${lane}.${kind}`;
const baseField = (lane: Lane, kind: keyof SenderCounts) => `base.${lane}.${kind}`;
const KINDS = ['sent', 'bounced', 'complained'] as const;
const LANES: readonly Lane[] = ['signed', 'browser'];

/**
 * What an audit entry adds to its day's tally. A bounce or complaint that no cart claims (SES
 * feedback by address) is the signed lanes', as sender health has always counted it.
 */
export function tallyUpdates(entry: AuditEntry): TallyUpdate[] {
  const day = tallyDay(entry.at);
  const counted = TALLIED_COUNTS[entry.action as keyof typeof TALLIED_COUNTS];
  if (counted !== undefined) {
    const lane = entry.cartId === null ? 'signed' : laneOf(entry.cartId);
    return [{ day, field: countField(lane, counted), op: 'add', value: 1 }];
  }
  if (!(TALLIED_MARKS as readonly string[]).includes(entry.action)) return [];
  const updates: TallyUpdate[] = [{ day, field: entry.action, op: 'max', value: entry.at }];
  if (entry.action === AuditAction.senderCleared) {
    for (const field of BASE_FIELDS) {
      const value = entry.detail?.[field];
      if (typeof value === 'number') updates.push({ day, field, op: 'max', value });
    }
  }
  return updates;
}

const BASE_FIELDS = LANES.flatMap((lane) => KINDS.map((kind) => baseField(lane, kind)));

/** The UTC days a window [from, to) touches, oldest first (31 for a 30-day window). */
export function tallyDays(from: number, to: number): { first: string; last: string } {
  return { first: tallyDay(from), last: tallyDay(Math.max(from, to - 1)) };
}

export interface TalliedHealth {
  /** Counts per lane since the window's first day, or since the last clear. */
  readonly counts: Record<Lane, SenderCounts>;
  /** When the last clear in the window was, or null. */
  readonly clearedAt: number | null;
  /** The latest time of each hold mark in the window (0 when none). */
  readonly marks: Record<TalliedMark, number>;
}

/**
 * Sums the days of a window. After a clear, days before the clear's day do not count, and the
 * clear's own day counts only what it gained after the clear (its counts less the baseline).
 */
export function sumTallies(tallies: readonly DayTally[]): TalliedHealth {
  const sorted = [...tallies].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const marks = Object.fromEntries(TALLIED_MARKS.map((mark) => [mark, 0])) as Record<
    TalliedMark,
    number
  >;
  for (const tally of sorted) {
    for (const mark of TALLIED_MARKS) marks[mark] = Math.max(marks[mark], tally.values[mark] ?? 0);
  }
  const clearedAt = marks[AuditAction.senderCleared] || null;
  const clearDay = clearedAt === null ? null : tallyDay(clearedAt);
  const zero = (): SenderCounts => ({ sent: 0, bounced: 0, complained: 0 });
  const counts: Record<Lane, SenderCounts> = { signed: zero(), browser: zero() };
  for (const tally of sorted) {
    if (clearDay !== null && tally.day < clearDay) continue;
    const fromClear = clearDay !== null && tally.day === clearDay;
    for (const lane of LANES) {
      const next = { ...counts[lane] };
      for (const kind of KINDS) {
        const value = tally.values[countField(lane, kind)] ?? 0;
        const base = fromClear ? (tally.values[baseField(lane, kind)] ?? 0) : 0;
        next[kind] += Math.max(0, value - base);
      }
      counts[lane] = next;
    }
  }
  return { counts, clearedAt, marks };
}

/**
 * The counts a clear keeps as its baseline, as audit detail fields (`base.signed.sent`...): what
 * its day held at that moment.
 */
export function baselineOf(tally: DayTally | undefined): Record<string, number> {
  const baseline: Record<string, number> = {};
  for (const lane of LANES) {
    for (const kind of KINDS) {
      baseline[baseField(lane, kind)] = tally?.values[countField(lane, kind)] ?? 0;
    }
  }
  return baseline;
}
