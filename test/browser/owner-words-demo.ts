/**
 * A store's November for the owner-pages browser tests and the docs screenshots: three weeks of
 * carts from shoppers in three zones, over the real local runtime on a simulated clock. Some buy
 * on their own, some after a reminder; one address is unsubscribed, one shopper comes back twice
 * within the frequency cap. Deterministic: the same pages every run.
 */

import { openTestRuntime } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

export type DemoRuntime = ReturnType<typeof openTestRuntime>;

const MIN = 60_000;
const ZONES = ['Europe/Paris', 'America/New_York', 'Europe/London'] as const;
const ITEMS = [
  { sku: 'SHIRT-L', name: 'Linen shirt', price: '59.00' },
  { sku: 'CANDLE', name: 'Fig candle', price: '25.50' },
  { sku: 'MUG', name: 'Ceramic mug', price: '18.00' },
  { sku: 'SCARF', name: 'Wool scarf', price: '45.00' },
  { sku: 'LAMP', name: 'Brass desk lamp', price: '89.00' },
] as const;
const NAMES = ['ana', 'ben', 'chloe', 'dev', 'emma', 'farid', 'gina', 'hugo', 'ines', 'jon'];

/** A small linear congruential generator: the same "random" store every run. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

async function post(rt: DemoRuntime, id: string, cart: Record<string, unknown>, buy = false) {
  await rt.post(
    cartEvent({
      id: `evt_${id}_${rt.clock.now()}`,
      type: buy ? 'cart.checked_out' : 'cart.updated',
      occurredAt: new Date(rt.clock.now()).toISOString(),
      cart: { id, currency: 'EUR', restoreUrl: `https://shop.example/cart/${id}`, ...cart },
      orderId: buy ? `ord_${id}` : null,
    }),
  );
}

export interface Demo {
  readonly rt: DemoRuntime;
  /** A cart whose reminder waited for quiet hours in Paris. */
  readonly quietCart: string;
  /** A cart whose reminder waited on the frequency cap (another cart of the same address). */
  readonly cappedCart: string;
  /** A cart whose address the owner unsubscribed. */
  readonly unsubscribedCart: string;
}

export async function playNovember(days = 21): Promise<Demo> {
  const rt = openTestRuntime(
    {
      CR_TIMEZONE: 'Europe/Paris',
      CR_QUIET_HOURS: '21:00-08:00',
      CR_FREQUENCY_CAP: '20h',
      CR_HOLDOUT: '20%',
      CR_STORE_NAME: 'Maison Lune',
    },
    Date.parse('2026-11-02T08:00:00Z'),
  );
  const random = seeded(16);
  let n = 0;
  for (let day = 0; day < days; day++) {
    for (let i = 0; i < 6; i++) {
      n += 1;
      const id = `c_${1000 + n}`;
      const item = ITEMS[Math.floor(random() * ITEMS.length)] ?? ITEMS[0];
      const quantity = 1 + Math.floor(random() * 2);
      const cart = {
        email: `${NAMES[n % NAMES.length]}.${n}@example.com`,
        timezone: ZONES[n % ZONES.length],
        items: [{ ...item, quantity }],
        total: (Number(item.price) * quantity).toFixed(2),
      };
      await post(rt, id, cart);
      await rt.advance(45 * MIN, 15 * MIN);
      const fate = random();
      if (fate < 0.25)
        await post(rt, id, cart, true); // bought on their own
      else if (fate < 0.55) pendingBuys.push({ id, cart, at: rt.clock.now() + 2 * 60 * MIN });
    }
    for (const buy of pendingBuys.splice(0)) {
      if (rt.clock.now() < buy.at) await rt.advance(buy.at - rt.clock.now(), 15 * MIN);
      await post(rt, buy.id, buy.cart, true); // after the first reminder: recovered
    }
    await rt.advance(
      24 * 60 * MIN - ((rt.clock.now() - Date.parse('2026-11-02T08:00:00Z')) % (24 * 60 * MIN)),
      15 * MIN,
    );
  }
  return { rt, ...(await lastEvening(rt)) };
}

const pendingBuys: { id: string; cart: Record<string, unknown>; at: number }[] = [];

/** The evening the screenshots show: quiet hours, a capped second cart, an unsubscribe. */
async function lastEvening(rt: DemoRuntime) {
  const ana = { email: 'ana.moreau@example.com', timezone: 'Europe/Paris' };
  const linen = {
    items: [{ sku: 'SHIRT-L', name: 'Linen shirt', quantity: 1, price: '59.00' }],
    total: '59.00',
  };
  const candle = {
    items: [{ sku: 'CANDLE', name: 'Fig candle', quantity: 2, price: '25.50' }],
    total: '51.00',
  };
  // Ids chosen outside the 20% holdout (domain/holdout.ts), so each is reminded.
  await rt.advance(6 * 60 * MIN, 15 * MIN); // 15:00 in Paris
  await post(rt, 'c_2002', { ...ana, ...linen });
  await rt.advance(90 * MIN, 15 * MIN); // c_2002 reminded at 16:00
  await rt.stops.suppress('c_2002', 'sam');
  await post(rt, 'c_18', { ...ana, ...candle }); // due 17:30: capped by c_2002's reminder
  await rt.advance(4.5 * 60 * MIN, 15 * MIN); // 21:00 in Paris
  await post(rt, 'c_2003', { email: 'ben.okafor@example.com', timezone: 'Europe/Paris', ...linen });
  await post(rt, 'c_unsub', {
    email: 'chloe.dubois@example.com',
    timezone: 'America/New_York',
    ...candle,
  });
  await rt.advance(90 * MIN, 15 * MIN); // c_2003 due 22:00 in Paris: quiet hours
  await rt.stops.unsubscribe('chloe.dubois@example.com', 'sam', 'c_unsub');
  return { quietCart: 'c_2003', cappedCart: 'c_18', unsubscribedCart: 'c_unsub' };
}
