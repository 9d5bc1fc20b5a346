/**
 * The demo's cast: a few hundred shoppers and what each of them will do, drawn from a seeded
 * PRNG so two runs with the same seed tell the same story. Nothing here touches the app; the
 * player (play.ts) turns the plan into signed events, link clicks and owner actions.
 */
import { toDecimalString } from '../../domain/money.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** mulberry32: tiny, fast, and good enough to shuffle a demo. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface DemoItem {
  readonly sku: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly quantity: number;
}

const CATALOGUE: ReadonlyArray<Omit<DemoItem, 'quantity'>> = [
  { sku: 'SHIRT-L', name: 'Linen shirt', priceMinor: 5900 },
  { sku: 'CANDLE', name: 'Beeswax candle', priceMinor: 2550 },
  { sku: 'MUG', name: 'Stoneware mug', priceMinor: 1800 },
  { sku: 'SCARF', name: 'Merino scarf', priceMinor: 4200 },
  { sku: 'TOTE', name: 'Canvas tote', priceMinor: 2200 },
  { sku: 'SOAP', name: 'Olive oil soap', priceMinor: 750 },
  { sku: 'NOTEBOOK', name: 'Dot-grid notebook', priceMinor: 1450 },
  { sku: 'TEA', name: 'Smoky black tea, 100 g', priceMinor: 1195 },
];

/** Shoppers' own zones; null means the store does not know it (the store zone applies). */
const ZONES: ReadonlyArray<string | null> = [
  null,
  null,
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
];

export const Role = {
  shopper: 'shopper',
  /** Came from a saved link: "Still saving these?" copy. */
  saved: 'saved',
  /** Clicks the one-click unsubscribe link in reminder 1, then shops again the next day. */
  unsubscriber: 'unsubscriber',
  unsubscriberAgain: 'unsubscriber_again',
  /** The owner suppresses it after reminder 1 ("ordering by phone"). */
  suppressed: 'suppressed',
  /** The owner writes it off with a reason before any reminder. */
  writtenOff: 'written_off',
  /** One address, two carts the same day: the gate chases only the newest, once per 20 h. */
  repeatFirst: 'repeat_first',
  repeatSecond: 'repeat_second',
} as const;
export type Role = (typeof Role)[keyof typeof Role];

export type Fate =
  | { readonly kind: 'buys_before_reminder'; readonly at: number }
  | { readonly kind: 'buys_after_reminder'; readonly step: 1 | 2; readonly delayMs: number }
  | { readonly kind: 'abandons' };

export interface DemoCart {
  readonly id: string;
  readonly role: Role;
  readonly email: string | null;
  /** Index of the first event that carries the email (shoppers type it mid-way). */
  readonly emailFrom: number;
  readonly timezone: string | null;
  readonly savedLink: boolean;
  /** Each event is the whole cart at that moment. */
  readonly events: ReadonlyArray<{ readonly at: number; readonly items: readonly DemoItem[] }>;
  readonly fate: Fate;
}

export interface DemoPlan {
  readonly start: number;
  readonly carts: readonly DemoCart[];
}

export function cartTotal(items: readonly DemoItem[]): string {
  return toDecimalString(
    items.reduce((sum, item) => sum + item.priceMinor * item.quantity, 0),
    'USD',
  );
}

function browse(random: () => number, firstAt: number): Array<{ at: number; items: DemoItem[] }> {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const count = 2 + Math.floor(random() * 4);
  const events: Array<{ at: number; items: DemoItem[] }> = [];
  let items: DemoItem[] = [];
  let at = firstAt;
  for (let k = 0; k < count; k++) {
    const product = pick(CATALOGUE);
    const existing = items.find((item) => item.sku === product.sku);
    items = existing
      ? items.map((item) =>
          item.sku === product.sku ? { ...item, quantity: item.quantity + 1 } : item,
        )
      : [...items, { ...product, quantity: 1 }];
    events.push({ at, items });
    at += Math.round((1 + random() * 11) * MINUTE);
  }
  return events;
}

/** A shopper who buys after reminder `step` does so minutes to hours after reading it. */
function fateFor(random: () => number, hasEmail: boolean, lastAt: number): Fate {
  const r = random();
  if (r < 0.35) {
    return { kind: 'buys_before_reminder', at: lastAt + Math.round((5 + random() * 40) * MINUTE) };
  }
  if (!hasEmail) return { kind: 'abandons' };
  const delayMs = Math.round((10 + random() * 170) * MINUTE);
  if (r < 0.5) return { kind: 'buys_after_reminder', step: 1, delayMs };
  if (r < 0.57) return { kind: 'buys_after_reminder', step: 2, delayMs };
  return { kind: 'abandons' };
}

/** Fixed parts for the special roles, so each one is certain to show up whatever the seed. */
const SPECIALS: ReadonlyArray<{
  role: Role;
  dayOffset: number;
  minute: number;
  savedLink?: boolean;
  email?: 'shared-unsub' | 'shared-repeat';
}> = [
  { role: Role.saved, dayOffset: 0, minute: 10 * 60 + 5, savedLink: true },
  { role: Role.unsubscriber, dayOffset: 0, minute: 9 * 60 + 20, email: 'shared-unsub' },
  { role: Role.unsubscriberAgain, dayOffset: 1, minute: 14 * 60, email: 'shared-unsub' },
  { role: Role.suppressed, dayOffset: 0, minute: 11 * 60 + 40 },
  { role: Role.writtenOff, dayOffset: 0, minute: 12 * 60 + 15 },
  { role: Role.repeatFirst, dayOffset: 0, minute: 9 * 60 + 45, email: 'shared-repeat' },
  { role: Role.repeatSecond, dayOffset: 0, minute: 13 * 60 + 30, email: 'shared-repeat' },
];

export function buildPlan(options: {
  seed: number;
  carts: number;
  start: number;
  idPrefix: string;
}): DemoPlan {
  const random = seededRandom(options.seed);
  const carts: DemoCart[] = [];
  const id = (n: number) => `${options.idPrefix}c${String(n).padStart(4, '0')}`;

  SPECIALS.forEach((special, index) => {
    const firstAt = options.start + special.dayOffset * DAY + special.minute * MINUTE;
    const email =
      special.email === 'shared-unsub'
        ? `${options.idPrefix}robin@example.com`
        : special.email === 'shared-repeat'
          ? `${options.idPrefix}alex@example.com`
          : `${options.idPrefix}${special.role.replace('_', '')}@example.com`;
    carts.push({
      id: id(index + 1),
      role: special.role,
      email,
      emailFrom: 0,
      timezone: null,
      savedLink: special.savedLink ?? false,
      events: browse(random, firstAt),
      fate: { kind: 'abandons' },
    });
  });

  for (let n = carts.length + 1; n <= options.carts; n++) {
    // Most carts form in the store's daytime; a tail runs late into the evening (quiet hours).
    const minute = 7 * 60 + Math.floor(random() * 16.5 * 60);
    const events = browse(random, options.start + minute * MINUTE);
    const hasEmail = random() < 0.88;
    const lastAt = events.at(-1)?.at ?? options.start;
    carts.push({
      id: id(n),
      role: random() < 0.05 ? Role.saved : Role.shopper,
      email: hasEmail ? `${options.idPrefix}shopper${n}@example.com` : null,
      emailFrom: Math.floor(random() * events.length),
      timezone: ZONES[Math.floor(random() * ZONES.length)] ?? null,
      savedLink: false,
      events,
      fate: fateFor(random, hasEmail, lastAt),
    });
  }
  return {
    start: options.start,
    carts: carts.map((cart) => ({ ...cart, savedLink: cart.role === Role.saved })),
  };
}
