/** The commands of the model-based test: what stores, shoppers, owners and the timer can do. */
import fc from 'fast-check';
import { expect } from 'vitest';
import { checkDrained, checkInvariants } from './invariants.ts';
import { laneDelivery } from './lanes.ts';
import type { EventSpec, Model } from './model.ts';
import { CART_IDS, EMAILS, type ModelSystem } from './system.ts';

type Cmd = fc.AsyncCommand<Model, ModelSystem>;
const HOUR = 3_600_000;

abstract class Base implements Cmd {
  check(_m: Readonly<Model>): boolean {
    return true;
  }
  abstract act(m: Model, r: ModelSystem): Promise<void>;
  async run(m: Model, r: ModelSystem): Promise<void> {
    await this.act(m, r);
    m.mailsSent = r.sent.length;
    await checkInvariants(m, r);
  }
  abstract toString(): string;
}

async function expectStatus(res: Response, status: number): Promise<unknown> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as unknown;
}

async function sendEvent(m: Model, r: ModelSystem, id: string, spec: EventSpec): Promise<void> {
  const delivery = laneDelivery(id, spec);
  const answer = (await expectStatus(await r.deliver(delivery), 200)) as {
    cart: { status: string };
    duplicate: boolean;
  };
  expect(answer.duplicate).toBe(false);
  m.events.push({ id, cartId: spec.cartId, ...delivery });
  m.known.add(spec.cartId);
  if (spec.checkout) {
    expect(answer.cart.status).toBe('bought');
    if (!m.checkedOut.has(spec.cartId)) {
      m.checkedOut.set(spec.cartId, r.sent.length);
      // The purchase as the store holds it: the row's address (an older event may not have
      // changed it) and the time of the checkout.
      const row = await r.runtime.store.get(spec.cartId);
      if (row?.email && row.boughtAt !== null) {
        m.purchases.push({ email: row.email, at: row.boughtAt, mailsAtAck: r.sent.length });
      }
    }
  } else if (m.checkedOut.has(spec.cartId)) {
    expect(answer.cart.status).toBe('bought');
  }
}

type EventArgs = Omit<EventSpec, 'occurredAt'>;

class EventCmd extends Base {
  constructor(
    readonly spec: EventArgs,
    readonly ageMs: number,
  ) {
    super();
  }
  async act(m: Model, r: ModelSystem) {
    const id = `evt_${m.nextEventId++}`;
    await sendEvent(m, r, id, { ...this.spec, occurredAt: r.clock.now() - this.ageMs });
  }
  toString() {
    const kind = this.spec.checkout ? 'checkout' : 'update';
    return `${kind}(${this.spec.cartId}, ${this.spec.email}, age ${this.ageMs})`;
  }
}

class DuplicateCmd extends Base {
  constructor(readonly pick: number) {
    super();
  }
  override check(m: Readonly<Model>) {
    return m.events.length > 0;
  }
  async act(m: Model, r: ModelSystem) {
    const event = m.events[this.pick % m.events.length];
    if (event === undefined) throw new Error('no event');
    const answer = (await expectStatus(await r.deliver(event), 200)) as {
      duplicate: boolean;
    };
    expect(answer.duplicate).toBe(true);
  }
  toString() {
    return `duplicate(#${this.pick})`;
  }
}

class AdvanceCmd extends Base {
  constructor(readonly ms: number) {
    super();
  }
  async act(_m: Model, r: ModelSystem) {
    r.clock.advance(this.ms);
  }
  toString() {
    return `advance(${(this.ms / HOUR).toFixed(2)}h)`;
  }
}

/** The timer loop as it runs: the clock moves, and everything due by then is handled. */
class TickCmd extends Base {
  constructor(readonly ms: number) {
    super();
  }
  async act(_m: Model, r: ModelSystem) {
    r.clock.advance(this.ms);
    await r.runtime.loop.drain();
    checkDrained(r);
  }
  toString() {
    return `tick(${(this.ms / HOUR).toFixed(2)}h)`;
  }
}

class DrainCmd extends Base {
  async act(_m: Model, r: ModelSystem) {
    await r.runtime.loop.drain();
    checkDrained(r);
  }
  toString() {
    return 'drain';
  }
}

class WakeCmd extends Base {
  constructor(
    readonly cartId: string,
    readonly twice: boolean,
  ) {
    super();
  }
  async act(_m: Model, r: ModelSystem) {
    if (this.twice) await Promise.all([r.runtime.wake(this.cartId), r.runtime.wake(this.cartId)]);
    else await r.runtime.wake(this.cartId);
  }
  toString() {
    return `${this.twice ? 'concurrentWakes' : 'lateWake'}(${this.cartId})`;
  }
}

class CartStopCmd extends Base {
  constructor(
    readonly cartId: string,
    readonly kind: 'suppress' | 'write_off',
  ) {
    super();
  }
  async act(m: Model, r: ModelSystem) {
    const res =
      this.kind === 'suppress'
        ? await r.owner(`/carts/${this.cartId}/suppress`, {})
        : await r.owner(`/carts/${this.cartId}/write-off`, { reason: 'test order' });
    if (!m.known.has(this.cartId)) {
      await expectStatus(res, 404);
      return;
    }
    const answer = (await expectStatus(res, 200)) as { changed: boolean; cart: { status: string } };
    if (answer.changed) m.stops.push({ kind: this.kind, cartId: this.cartId });
    if (m.checkedOut.has(this.cartId)) expect(answer.changed).toBe(false);
  }
  toString() {
    return `${this.kind}(${this.cartId})`;
  }
}

class OwnerUnsubscribeCmd extends Base {
  constructor(readonly email: string) {
    super();
  }
  async act(m: Model, r: ModelSystem) {
    await expectStatus(await r.owner('/unsubscribe', { email: this.email }), 200);
    m.stops.push({ kind: 'unsubscribe', email: this.email });
    if (!m.unsubscribed.has(this.email)) m.unsubscribed.set(this.email, r.sent.length);
  }
  toString() {
    return `ownerUnsubscribe(${this.email})`;
  }
}

class LinkUnsubscribeCmd extends Base {
  constructor(readonly pick: number) {
    super();
  }
  override check(m: Readonly<Model>) {
    return m.mailsSent > 0;
  }
  async act(m: Model, r: ModelSystem) {
    const mail = r.sent[this.pick % r.sent.length];
    if (mail === undefined) throw new Error('no mail to click');
    const res = await r.oneClickUnsubscribe(mail);
    expect(res.status, await res.text()).toBe(200);
    m.stops.push({ kind: 'unsubscribe', email: mail.to });
    if (!m.unsubscribed.has(mail.to)) m.unsubscribed.set(mail.to, r.sent.length);
  }
  toString() {
    return `linkUnsubscribe(mail #${this.pick})`;
  }
}

class RestartCmd extends Base {
  async act(_m: Model, r: ModelSystem) {
    await r.restart();
  }
  toString() {
    return 'restart';
  }
}

const cartId = fc.constantFrom(...CART_IDS);
const eventArgs = (checkout: fc.Arbitrary<boolean>): fc.Arbitrary<EventArgs> =>
  fc.record({
    cartId,
    email: fc.option(fc.constantFrom(...EMAILS), { freq: 4 }),
    items: fc.array(
      fc.record({
        sku: fc.constantFrom('SHIRT', 'MUG', 'CANDLE'),
        quantity: fc.integer({ min: 1, max: 3 }),
        cents: fc.integer({ min: 1, max: 9999 }),
      }),
      { maxLength: 3 },
    ),
    timezone: fc.option(fc.constantFrom('Europe/Paris', 'America/Los_Angeles', 'Asia/Tokyo'), {
      freq: 2,
    }),
    checkout,
  });

export const commands: fc.Arbitrary<Cmd>[] = [
  eventArgs(fc.constant(false)).map((spec) => new EventCmd(spec, 0)),
  eventArgs(fc.constant(false)).map((spec) => new EventCmd(spec, 0)),
  eventArgs(fc.constant(false)).map((spec) => new EventCmd(spec, 0)),
  eventArgs(fc.constant(true)).map((spec) => new EventCmd(spec, 0)),
  // Out of order: an event that happened before what the row may already hold.
  fc
    .tuple(eventArgs(fc.nat(4).map((n) => n === 0)), fc.integer({ min: 1000, max: 6 * HOUR }))
    .map(([spec, age]) => new EventCmd(spec, age)),
  fc.nat().map((pick) => new DuplicateCmd(pick)),
  fc.integer({ min: 1, max: 30 * HOUR }).map((ms) => new AdvanceCmd(ms)),
  fc.integer({ min: 1, max: 3 * HOUR }).map((ms) => new AdvanceCmd(ms)),
  fc.integer({ min: HOUR / 4, max: 3 * HOUR }).map((ms) => new TickCmd(ms)),
  fc.integer({ min: HOUR / 4, max: 3 * HOUR }).map((ms) => new TickCmd(ms)),
  fc.integer({ min: HOUR / 4, max: 3 * HOUR }).map((ms) => new TickCmd(ms)),
  fc.constant(new DrainCmd()),
  fc.tuple(cartId, fc.boolean()).map(([id, twice]) => new WakeCmd(id, twice)),
  fc
    .tuple(cartId, fc.constantFrom('suppress' as const, 'write_off' as const))
    .map(([id, kind]) => new CartStopCmd(id, kind)),
  fc.constantFrom(...EMAILS).map((email) => new OwnerUnsubscribeCmd(email)),
  fc.nat().map((pick) => new LinkUnsubscribeCmd(pick)),
  fc.constant(new RestartCmd()),
];
