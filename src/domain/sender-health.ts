/**
 * Sender health (SPEC section 3, rule 5). SES reviews a sender at about 5% bounces or 0.1%
 * complaints and pauses it at 10% / 0.5%. We hold every nudge a little before review, so the
 * store's sending never gets that far. Rates over a small volume are noise: each rate is taken
 * over at least a minimum number of sends, so one complaint from a store's first 30 emails does
 * not stop everything, while two in a thousand does.
 *
 * Each lane is judged on its own mail. The browser lane (the storefront snippet) takes addresses
 * from anyone, so a stranger can feed it addresses that bounce: it holds itself, at half the
 * rates, on its own sends and bounces, and the signed lanes (the store's own webhooks) are judged
 * without them, so its bounces never stop a real shopper's reminder. When the signed lanes hold,
 * everything holds: the browser lane's mail leaves from the same sender.
 */

export interface SenderCounts {
  readonly sent: number;
  readonly bounced: number;
  readonly complained: number;
}

export interface SenderLimits {
  readonly holdBounceRate: number;
  readonly holdComplaintRate: number;
  /** Denominators are at least these many sends. */
  readonly minBounceVolume: number;
  readonly minComplaintVolume: number;
}

export const DEFAULT_SENDER_LIMITS: SenderLimits = {
  holdBounceRate: 0.04,
  holdComplaintRate: 0.0008,
  minBounceVolume: 200,
  minComplaintVolume: 2000,
};

export type SenderHealth =
  | { readonly verdict: 'ok'; readonly bounceRate: number; readonly complaintRate: number }
  | {
      readonly verdict: 'hold';
      readonly reason: 'bounce_rate' | 'complaint_rate';
      readonly bounceRate: number;
      readonly complaintRate: number;
      readonly message: string;
    };

const pct = (rate: number) => `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)}%`;

export function assessSenderHealth(
  counts: SenderCounts,
  limits = DEFAULT_SENDER_LIMITS,
): SenderHealth {
  const bounceRate = counts.bounced / Math.max(counts.sent, limits.minBounceVolume);
  const complaintRate = counts.complained / Math.max(counts.sent, limits.minComplaintVolume);
  if (complaintRate >= limits.holdComplaintRate) {
    return {
      verdict: 'hold',
      reason: 'complaint_rate',
      bounceRate,
      complaintRate,
      message: `${counts.complained} complaint(s) over ${counts.sent} reminders (${pct(complaintRate)}): reminders are on hold before the mail provider reviews the sender (0.1%).`,
    };
  }
  if (bounceRate >= limits.holdBounceRate) {
    return {
      verdict: 'hold',
      reason: 'bounce_rate',
      bounceRate,
      complaintRate,
      message: `${counts.bounced} hard bounce(s) over ${counts.sent} reminders (${pct(bounceRate)}): reminders are on hold before the mail provider reviews the sender (5%).`,
    };
  }
  return { verdict: 'ok', bounceRate, complaintRate };
}

/** Half the store-wide rates: the lane anyone can feed pauses well before the sender is at risk. */
export const BROWSER_LANE_LIMITS: SenderLimits = {
  holdBounceRate: 0.02,
  holdComplaintRate: 0.0004,
  minBounceVolume: 200,
  minComplaintVolume: 2000,
};

export interface LaneCounts {
  /** Every lane's sends, and every bounce and complaint (those no lane claims included). */
  readonly all: SenderCounts;
  /** The browser lane's own: sends to its carts, bounces and complaints traced to them. */
  readonly browser: SenderCounts;
}

export interface LaneHealth {
  /** The signed lanes, on everything that is not the browser lane's. */
  readonly signed: SenderHealth;
  readonly signedCounts: SenderCounts;
  /** The browser lane on its own figures (it also holds whenever the signed lanes do). */
  readonly browser: SenderHealth;
}

export function assessLanes(
  counts: LaneCounts,
  limits = DEFAULT_SENDER_LIMITS,
  browserLimits = BROWSER_LANE_LIMITS,
): LaneHealth {
  const less = (a: number, b: number) => Math.max(0, a - b);
  const signedCounts: SenderCounts = {
    sent: less(counts.all.sent, counts.browser.sent),
    bounced: less(counts.all.bounced, counts.browser.bounced),
    complained: less(counts.all.complained, counts.browser.complained),
  };
  return {
    signed: assessSenderHealth(signedCounts, limits),
    signedCounts,
    browser: assessSenderHealth(counts.browser, browserLimits),
  };
}
