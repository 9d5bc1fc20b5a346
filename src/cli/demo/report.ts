/** The demo's closing words: what happened, in numbers, and where to look next. */
import { formatMoney } from '../../domain/money.ts';
import type { DemoTally } from './tally.ts';

export interface ReportContext {
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  readonly realSeconds: number;
  readonly dataDir: string;
  readonly outboxDir: string;
  readonly emlFiles: number;
  /** Prefix for shell commands, e.g. `CR_DATA_DIR=/tmp/x ` (empty for the default dir). */
  readonly envPrefix: string;
  readonly ownerName: string;
  /** Shown only when the token was generated here (a configured CR_OWNERS token stays private). */
  readonly generatedOwnerToken: string | null;
  readonly publicUrl: string;
  readonly quietHours: string;
  readonly frequencyCap: string;
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function list(map: ReadonlyMap<string | number, number>, label = (k: string | number) => `${k}`) {
  if (map.size === 0) return 'none';
  return [...map]
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    .map(([key, n]) => `${label(key)} ${n}`)
    .join(', ');
}

export function formatReport(t: DemoTally, c: ReportContext): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(26)} ${value}`;
  const sent = [...t.remindersByStep.values()].reduce((a, b) => a + b, 0);
  const abandoned = t.carts - t.boughtBeforeReminder;
  const rate =
    abandoned > 0 ? ` (${((100 * t.recovered) / abandoned).toFixed(1)}% of the rest)` : '';
  const lines = [
    '',
    `The store's day, played from ${when(c.from)} to ${when(c.to)} on a simulated clock`,
    `(seed ${c.seed}; quiet hours ${c.quietHours}, frequency cap ${c.frequencyCap}) in ${c.realSeconds.toFixed(1)} s.`,
    '',
    row('carts', `${t.carts} (${t.withEmail} with an email address)`),
    row('bought before a reminder', `${t.boughtBeforeReminder}`),
    row('reminders sent', `${sent}: ${list(t.remindersByStep, (k) => `step ${k}:`)}`),
    row('reminder links clicked', `${t.clicked}`),
    row(
      'recovered',
      `${t.recovered} orders${rate}, ${formatMoney(t.recoveredRevenueMinor, 'USD')} of revenue`,
    ),
    row('held by the gate', list(t.heldByRule)),
    row('skipped (never mailed)', list(t.skippedByRule)),
    row('suppressed by the owner', `${t.suppressed}`),
    row(
      'written off',
      t.writtenOff.length === 0
        ? '0'
        : t.writtenOff.map((w) => `${w.cartId} by ${w.by} ("${w.reason ?? ''}")`).join('; '),
    ),
    row(
      'unsubscribed',
      t.unsubscribed.length === 0
        ? '0'
        : t.unsubscribed
            .map((u) => `${u.email} (${u.by === 'shopper' ? 'one-click link' : u.by})`)
            .join('; '),
    ),
    row('let go (expired)', `${t.expired}${t.stillOpen > 0 ? `; ${t.stillOpen} still open` : ''}`),
    '',
    'Where to look',
    row('the emails', `${c.outboxDir} (${c.emlFiles} .eml files; any mail client opens them)`),
  ];
  for (const h of t.highlights.slice(0, 4)) {
    lines.push(row("one cart's story", `${c.envPrefix}npx cart-recovery audit ${h.cartId}`));
    lines.push(row('', `  ${h.why}`));
  }
  lines.push(
    row('browse it all', `${c.envPrefix}npm start, then ${c.publicUrl}/owner`),
    row(
      'owner token',
      c.generatedOwnerToken === null
        ? `your CR_OWNERS token for "${c.ownerName}"`
        : `${c.generatedOwnerToken} (kept in ${c.dataDir}/secrets.json)`,
    ),
    row('the days to browse', `${when(c.from).slice(0, 10)} and the days after`),
  );
  return lines;
}
