/**
 * The monthly summary (SPEC 5): what the month's carts did, counted from the cart rows and the
 * audit log. Month and day boundaries are the store's local ones, not UTC's.
 */
import { AuditAction, type StoredAuditEntry } from './audit.ts';
import type { Cart } from './cart.ts';
import { FIRST_YEAR, MONTH } from './input-rules.ts';
import { type LiftVerdict, measureLift, type RecoveryYardstick } from './lift.ts';
import { toDecimalString } from './money.ts';
import { DEFAULT_POLICY } from './policy.ts';
import { localParts, zonedToEpoch } from './zoned-time.ts';

export interface DailyPoint {
  /** Local date, YYYY-MM-DD. */
  readonly date: string;
  readonly abandoned: number;
  readonly recovered: number;
  /** Integer minor units per currency; currencies are never added together. */
  readonly recoveredRevenueMinor: Readonly<Record<string, number>>;
}

export interface MonthSummary {
  readonly month: string;
  readonly zone: string;
  /** [from, to) in epoch ms: local midnight of the 1st to local midnight of the next 1st. */
  readonly from: number;
  readonly to: number;
  readonly cartsSeen: number;
  readonly cartsWithEmail: number;
  readonly abandoned: number;
  readonly remindersSent: {
    readonly total: number;
    /** Step number ("1", "2", ...) to reminders sent at that step. */
    readonly byStep: Readonly<Record<string, number>>;
  };
  readonly clicked: number;
  readonly recovered: number;
  /** Decimal strings per currency, e.g. { USD: "84.50" }. */
  readonly recoveredRevenue: Readonly<Record<string, string>>;
  readonly recoveredRevenueMinor: Readonly<Record<string, number>>;
  /** recovered / (abandoned - written off); null when nothing is left to chase. */
  readonly recoveryRate: number | null;
  readonly writtenOff: number;
  readonly suppressed: number;
  readonly expired: number;
  readonly unsubscribed: number;
  readonly bounced: number;
  readonly complained: number;
  readonly daily: readonly DailyPoint[];
  readonly lift: LiftVerdict;
}

export interface SummaryInput {
  /** YYYY-MM */
  readonly month: string;
  /** The store's IANA zone. */
  readonly zone: string;
  readonly carts: Iterable<Cart>;
  readonly audit: Iterable<StoredAuditEntry>;
  readonly holdoutShare: number;
  /** Cadence and recovery window, for the holdout comparison; defaults to the default policy. */
  readonly yardstick?: RecoveryYardstick;
}

export class InvalidMonthError extends Error {
  override readonly name = 'InvalidMonthError';
}

function parseMonth(month: string): { year: number; month: number } {
  const match = MONTH.exec(month);
  const year = Number(match?.[1]);
  const m = Number(match?.[2]);
  if (!match || m < 1 || m > 12) {
    throw new InvalidMonthError(`"${month}" is not a month; use YYYY-MM, e.g. 2026-11`);
  }
  if (year < FIRST_YEAR) {
    throw new InvalidMonthError(`"${month}" is before ${FIRST_YEAR}; no cart is that old`);
  }
  return { year, month: m };
}

/** [from, to) of a local month; DST changes inside it make it an hour shorter or longer. */
export function monthRange(month: string, zone: string): { from: number; to: number } {
  const { year, month: m } = parseMonth(month);
  // zonedToEpoch goes through Date.UTC, so month 13 is January of the next year.
  return {
    from: zonedToEpoch(year, m, 1, 0, 0, zone),
    to: zonedToEpoch(year, m + 1, 1, 0, 0, zone),
  };
}

function daysInMonth(month: string): number {
  const { year, month: m } = parseMonth(month);
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

interface DayTally {
  abandoned: number;
  recovered: number;
  revenue: Map<string, number>;
}

function addTo(map: Map<string, number>, key: string, amount: number): void {
  map.set(key, (map.get(key) ?? 0) + amount);
}

function sortedRecord<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Reminder steps arrive as numbers; a step written as "2" by some adapter still counts. */
function stepOf(entry: StoredAuditEntry): string | null {
  const step = entry.detail?.step;
  const n = typeof step === 'string' ? Number(step) : step;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? String(n) : null;
}

interface AuditTally {
  readonly reminders: Map<string, number>;
  remindersTotal: number;
  readonly clicked: Set<string>;
  readonly writtenOff: Set<string>;
  readonly suppressed: Set<string>;
  readonly expired: Set<string>;
  readonly unsubscribed: Set<string>;
  readonly bounced: Set<string>;
  readonly complained: Set<string>;
  /** Any time, not just this month: a cart abandoned on the 31st may be held out on the 1st. */
  readonly heldOut: Set<string>;
  /** Any time: whether an abandoned cart of this month was written off, for the rate. */
  readonly everWrittenOff: Set<string>;
}

function tallyAudit(audit: Iterable<StoredAuditEntry>, from: number, to: number): AuditTally {
  const t: AuditTally = {
    reminders: new Map(),
    remindersTotal: 0,
    clicked: new Set(),
    writtenOff: new Set(),
    suppressed: new Set(),
    expired: new Set(),
    unsubscribed: new Set(),
    bounced: new Set(),
    complained: new Set(),
    heldOut: new Set(),
    everWrittenOff: new Set(),
  };
  for (const e of audit) {
    if (e.action === AuditAction.skipped && e.reason === 'holdout' && e.cartId) {
      t.heldOut.add(e.cartId);
    }
    if (e.action === AuditAction.writeOff && e.cartId) t.everWrittenOff.add(e.cartId);
    if (e.at < from || e.at >= to) continue;
    // Cart actions count carts once; address actions count addresses once (a repeated
    // unsubscribe is one person), falling back to the row when the row names no address.
    const cart = e.cartId ?? `row:${e.id}`;
    const address = e.email ?? `row:${e.id}`;
    switch (e.action) {
      case AuditAction.reminderSent: {
        t.remindersTotal += 1;
        const step = stepOf(e);
        if (step) addTo(t.reminders, step, 1);
        break;
      }
      case AuditAction.clicked:
        t.clicked.add(cart);
        break;
      case AuditAction.writeOff:
        t.writtenOff.add(cart);
        break;
      case AuditAction.suppress:
        t.suppressed.add(cart);
        break;
      case AuditAction.expired:
        t.expired.add(cart);
        break;
      case AuditAction.unsubscribe:
        t.unsubscribed.add(address);
        break;
      case AuditAction.bounced:
        t.bounced.add(address);
        break;
      case AuditAction.complained:
        t.complained.add(address);
        break;
      default:
        break;
    }
  }
  return t;
}

/** Counts over `carts` alone; audit-derived counts are added by the caller. */
function tallyCarts(carts: Iterable<Cart>, month: string, zone: string, from: number, to: number) {
  const inMonth = (t: number | null): t is number => t !== null && t >= from && t < to;
  const days: DayTally[] = Array.from({ length: daysInMonth(month) }, () => ({
    abandoned: 0,
    recovered: 0,
    revenue: new Map(),
  }));
  const dayOf = (t: number): DayTally | undefined => days[localParts(t, zone).day - 1];
  let cartsSeen = 0;
  let cartsWithEmail = 0;
  let recovered = 0;
  const revenue = new Map<string, number>();
  const abandonedCarts: Cart[] = [];
  for (const cart of carts) {
    if (inMonth(cart.createdAt)) {
      cartsSeen += 1;
      // A tombstone (CR_RETAIN_CARTS) has dropped the address but remembers there was one.
      if (cart.email !== null || cart.tombstone?.hadEmail === true) cartsWithEmail += 1;
    }
    if (inMonth(cart.abandonedAt)) {
      abandonedCarts.push(cart);
      const day = dayOf(cart.abandonedAt);
      if (day) day.abandoned += 1;
    }
    if (inMonth(cart.recoveredAt)) {
      recovered += 1;
      addTo(revenue, cart.currency, cart.totalMinor);
      const day = dayOf(cart.recoveredAt);
      if (day) {
        day.recovered += 1;
        addTo(day.revenue, cart.currency, cart.totalMinor);
      }
    }
  }
  const daily: DailyPoint[] = days.map((d, i) => ({
    date: `${month}-${pad2(i + 1)}`,
    abandoned: d.abandoned,
    recovered: d.recovered,
    recoveredRevenueMinor: sortedRecord(d.revenue),
  }));
  return { cartsSeen, cartsWithEmail, recovered, revenue, abandonedCarts, daily };
}

export function summarizeMonth(input: SummaryInput): MonthSummary {
  const { month, zone } = input;
  const { from, to } = monthRange(month, zone);
  const c = tallyCarts(input.carts, month, zone, from, to);
  const a = tallyAudit(input.audit, from, to);
  const abandoned = c.abandonedCarts.length;
  // Only this month's abandoned carts that were written off leave the denominator: a cart
  // written off before it was ever abandoned was never in it.
  const writtenOffAbandoned = c.abandonedCarts.filter(
    (cart) => a.everWrittenOff.has(cart.id) || cart.closedReason === 'written_off',
  ).length;
  const chased = abandoned - writtenOffAbandoned;
  const revenueMinor = sortedRecord(c.revenue);
  return {
    month,
    zone,
    from,
    to,
    cartsSeen: c.cartsSeen,
    cartsWithEmail: c.cartsWithEmail,
    abandoned,
    remindersSent: { total: a.remindersTotal, byStep: sortedRecord(a.reminders) },
    clicked: a.clicked.size,
    recovered: c.recovered,
    recoveredRevenue: Object.fromEntries(
      Object.entries(revenueMinor).map(([cur, minor]) => [cur, toDecimalString(minor, cur)]),
    ),
    recoveredRevenueMinor: revenueMinor,
    recoveryRate: chased > 0 ? c.recovered / chased : null,
    writtenOff: a.writtenOff.size,
    suppressed: a.suppressed.size,
    expired: a.expired.size,
    unsubscribed: a.unsubscribed.size,
    bounced: a.bounced.size,
    complained: a.complained.size,
    daily: c.daily,
    lift: measureLift({
      abandoned: c.abandonedCarts,
      heldOutIds: a.heldOut,
      yardstick: input.yardstick ?? DEFAULT_POLICY,
      holdoutShare: input.holdoutShare,
    }),
  };
}

/**
 * The currency the chart draws revenue in: the one recovered on the most days (ties go to the
 * first code alphabetically). Null when nothing was recovered.
 */
export function mainCurrency(summary: Pick<MonthSummary, 'daily'>): string | null {
  const days = new Map<string, number>();
  for (const day of summary.daily) {
    for (const cur of Object.keys(day.recoveredRevenueMinor)) addTo(days, cur, 1);
  }
  let best: string | null = null;
  for (const [cur, n] of Object.entries(sortedRecord(days))) {
    if (best === null || n > (days.get(best) ?? 0)) best = cur;
  }
  return best;
}
