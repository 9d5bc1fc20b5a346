/**
 * The month's summary in words and rows a page or a table shows: the counts in one order for the
 * CLI's text and the owner's HTML page alike, and the lift as a sentence a non-statistician reads.
 */
import type { LiftVerdict } from './lift.ts';
import type { MonthSummary } from './summary.ts';

export interface CountRow {
  readonly label: string;
  readonly value: string;
  /** How the figure is worked out, when it is not a plain count. */
  readonly note?: string;
  /** A per-step line under "Reminders sent". */
  readonly step?: boolean;
  /** A further currency of the revenue line (its label is the line above's). */
  readonly more?: boolean;
}

const int = new Intl.NumberFormat('en-US');

export const percent = (rate: number | null): string =>
  rate === null ? 'n/a' : `${(rate * 100).toFixed(1)}%`;

export function countRows(s: MonthSummary): CountRow[] {
  const rows: CountRow[] = [
    { label: 'Carts seen', value: int.format(s.cartsSeen) },
    { label: 'Carts with an email', value: int.format(s.cartsWithEmail) },
    { label: 'Abandoned', value: int.format(s.abandoned) },
    { label: 'Reminders sent', value: int.format(s.remindersSent.total) },
  ];
  for (const [step, count] of Object.entries(s.remindersSent.byStep)) {
    rows.push({ label: `step ${step}`, value: int.format(count), step: true });
  }
  rows.push(
    { label: 'Clicked', value: int.format(s.clicked) },
    { label: 'Recovered', value: int.format(s.recovered) },
  );
  const revenue = Object.entries(s.recoveredRevenue);
  if (revenue.length === 0) rows.push({ label: 'Recovered revenue', value: '0' });
  revenue.forEach(([cur, amount], i) => {
    rows.push({ label: 'Recovered revenue', value: `${amount} ${cur}`, more: i > 0 });
  });
  rows.push(
    {
      label: 'Recovery rate',
      value: percent(s.recoveryRate),
      note: 'recovered / (abandoned - written off)',
    },
    { label: 'Written off', value: int.format(s.writtenOff) },
    { label: 'Suppressed', value: int.format(s.suppressed) },
    { label: 'Expired', value: int.format(s.expired) },
    { label: 'Unsubscribed', value: int.format(s.unsubscribed) },
    { label: 'Bounced', value: int.format(s.bounced) },
    { label: 'Complained', value: int.format(s.complained) },
  );
  return rows;
}

/** "5.2" for five point two carts in every hundred (a proportion of 0.052). */
const per100 = (p: number): string => {
  const v = Math.round(p * 1000) / 10;
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
};

/**
 * The lift as a person would explain it over coffee: what happened in each group, what the
 * reminders added, and how sure that is, without "interval" or "significant".
 */
export function liftInWords(lift: LiftVerdict): string {
  switch (lift.kind) {
    case 'no_holdout':
      return 'Every abandoned cart got reminders, so there is no group to compare with: some of the recovered shoppers would have come back anyway, and how many cannot be told. Set CR_HOLDOUT=10% to keep one cart in ten unreminded and find out.';
    case 'too_small':
      return `Too few carts to tell yet whether reminders bring shoppers back: ${lift.reminded.n} reminded and ${lift.holdout.n} held back on purpose, and about ${int.format(lift.needed)} in the smaller group are needed. Until then, count the recovered carts as "bought after a reminder", not "bought because of one".`;
    case 'measured': {
      const [low, high] = lift.ci;
      const groups = `Of the carts that got reminders, ${per100(lift.reminded.rate)} in 100 were bought; of the carts held back on purpose, ${per100(lift.holdout.rate)} in 100 were bought anyway.`;
      if (!lift.significant) {
        return `${groups} The difference could be anywhere from ${per100(low)} to ${per100(high)} carts in 100, which includes no difference at all: too early to say the reminders bring shoppers back.`;
      }
      const more = lift.lift > 0 ? 'more' : 'fewer';
      return `${groups} So reminders brought back about ${per100(Math.abs(lift.lift))} ${more} carts in every 100, and very likely (95 times in 100) between ${per100(low)} and ${per100(high)}.`;
    }
  }
}
