/**
 * Plays a demo plan through the real app on a manual clock: signed `POST /events`, the shopper's
 * one-click unsubscribe link taken from a sent email, the owner API for suppress and write-off,
 * and the timer loop drained as the clock moves in small steps. Nothing sleeps.
 */
import { readFile } from 'node:fs/promises';
import { parseReminderMessageId, reminderCartKey } from '../../domain/copy.ts';
import { toDecimalString } from '../../domain/money.ts';
import { signWebhook } from '../../domain/webhook-signature.ts';
import type { ManualClock } from '../../ports/clock.ts';
import type { Mailer, OutgoingEmail } from '../../ports/mailer.ts';
import type { LocalRuntime } from '../local-runtime.ts';
import { cartTotal, type DemoCart, type DemoPlan, Role } from './plan.ts';

const MINUTE = 60_000;
export const STEP_MS = 5 * MINUTE;

export class DemoError extends Error {
  override readonly name = 'DemoError';
}

export interface SentReminder {
  readonly to: string;
  readonly messageId: string;
  readonly subject: string;
  readonly sentAt: number;
  /** The outbox file. */
  readonly path: string;
  /** The "back to your cart" link, as the shopper would click it. */
  readonly cartUrl: URL | null;
}

function cartLinkIn(text: string): URL | null {
  const match = /(https?:\/\/[^\s"<>]+\/c\?t=[^\s"<>]+)/.exec(text);
  return match?.[1] === undefined ? null : new URL(match[1]);
}

/** The outbox mailer, stamped with the simulated clock, telling the player what went out. */
export function createDemoMailer(inner: Mailer, clock: ManualClock) {
  const sent: SentReminder[] = [];
  let listener: (reminder: SentReminder) => void = () => {};
  const mailer: Mailer = {
    async send(email: OutgoingEmail) {
      const result = await inner.send(email);
      const reminder = {
        to: email.to,
        messageId: email.messageId,
        subject: email.subject,
        sentAt: clock.now(),
        path: result.receipt,
        cartUrl: cartLinkIn(email.text),
      };
      sent.push(reminder);
      listener(reminder);
      return result;
    },
  };
  return {
    mailer,
    sent,
    onSend(fn: (reminder: SentReminder) => void) {
      listener = fn;
    },
  };
}
export type DemoMailer = ReturnType<typeof createDemoMailer>;

interface Action {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly run: () => Promise<void>;
}

/** Actions in time order; ties keep the order they were added in. */
function createAgenda() {
  const actions: Action[] = [];
  let seq = 0;
  return {
    add(at: number, label: string, run: () => Promise<void>) {
      actions.push({ at, seq: seq++, label, run });
      actions.sort((a, b) => a.at - b.at || a.seq - b.seq);
    },
    takeDue(until: number): Action | undefined {
      const first = actions[0];
      return first !== undefined && first.at <= until ? actions.shift() : undefined;
    },
    get size() {
      return actions.length;
    },
  };
}

/** The List-Unsubscribe URL of a sent email, read back from its .eml file (headers may fold). */
export async function unsubscribeUrlFrom(emlPath: string): Promise<URL> {
  const raw = (await readFile(emlPath, 'utf8')).replace(/\r\n/g, '\n');
  const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
  const match = /^List-Unsubscribe:\s*<([^>]+)>/im.exec(head);
  if (match?.[1] === undefined) throw new DemoError(`${emlPath} has no List-Unsubscribe header`);
  return new URL(match[1].replace(/\s+/g, ''));
}

export interface PlayOptions {
  readonly runtime: LocalRuntime;
  readonly clock: ManualClock;
  readonly demoMailer: DemoMailer;
  readonly plan: DemoPlan;
  /** The simulation stops here at the latest. */
  readonly end: number;
}

export async function playDemo({ runtime, clock, demoMailer, plan, end }: PlayOptions) {
  const { app, webhookSecret, loop } = runtime;
  const owner = runtime.owners[0];
  if (owner === undefined) throw new DemoError('no owner token configured');
  const agenda = createAgenda();
  const byDigest = new Map<string, DemoCart>();
  for (const cart of plan.carts) byDigest.set(reminderCartKey(cart.id), cart);

  async function call(path: string, init: RequestInit, what: string) {
    const res = await app.request(path, init);
    if (res.status !== 200) {
      throw new DemoError(`${what}: ${path} answered ${res.status}: ${await res.text()}`);
    }
  }

  async function postEvent(cart: DemoCart, k: number, checkout: boolean) {
    const at = clock.now();
    const snapshot = cart.events[Math.min(k, cart.events.length - 1)];
    if (snapshot === undefined) return;
    const body = JSON.stringify({
      id: checkout ? `${cart.id}-checkout` : `${cart.id}-e${k}`,
      type: checkout ? 'cart.checked_out' : 'cart.updated',
      occurredAt: new Date(at).toISOString(),
      cart: {
        id: cart.id,
        email: checkout || k >= cart.emailFrom ? cart.email : null,
        currency: 'USD',
        total: cartTotal(snapshot.items),
        items: snapshot.items.map((item) => ({
          sku: item.sku,
          name: item.name,
          quantity: item.quantity,
          price: toDecimalString(item.priceMinor, 'USD'),
          url: `https://shop.example/p/${item.sku.toLowerCase()}`,
        })),
        restoreUrl: `https://shop.example/cart/${cart.id}`,
        savedLink: cart.savedLink,
        timezone: cart.timezone,
        consent: true,
      },
      orderId: checkout ? `order-${cart.id}` : null,
    });
    const signature = signWebhook(webhookSecret, body, Math.floor(at / 1000));
    await call(
      '/events',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cr-signature': signature },
        body,
      },
      `event for ${cart.id}`,
    );
  }

  const ownerHeaders = {
    authorization: `Bearer ${owner.token}`,
    'content-type': 'application/json',
  };

  for (const cart of plan.carts) {
    cart.events.forEach((event, k) => {
      agenda.add(event.at, `${cart.id} event ${k}`, () => postEvent(cart, k, false));
    });
    const lastAt = cart.events.at(-1)?.at ?? plan.start;
    if (cart.fate.kind === 'buys_before_reminder') {
      agenda.add(cart.fate.at, `${cart.id} checkout`, () => postEvent(cart, Infinity, true));
    }
    if (cart.role === Role.writtenOff) {
      agenda.add(lastAt + 40 * MINUTE, `${cart.id} write-off`, () =>
        call(
          `/owner/api/carts/${cart.id}/write-off`,
          {
            method: 'POST',
            headers: ownerHeaders,
            body: JSON.stringify({ reason: 'test order placed by staff' }),
          },
          'write-off',
        ),
      );
    }
  }

  demoMailer.onSend((sent) => {
    const named = parseReminderMessageId(sent.messageId);
    const cart = named === null ? undefined : byDigest.get(named.cartKey);
    if (cart === undefined || named === null) return;
    const { step } = named;
    if (cart.fate.kind === 'buys_after_reminder' && cart.fate.step === step) {
      const link = sent.cartUrl;
      if (link !== null) {
        // The shopper follows the reminder's link first: the click is counted, then they buy.
        agenda.add(sent.sentAt + cart.fate.delayMs - 3 * MINUTE, `${cart.id} click`, async () => {
          const res = await app.request(`${link.pathname}${link.search}`);
          if (res.status !== 302) throw new DemoError(`cart link answered ${res.status}`);
        });
      }
      agenda.add(sent.sentAt + cart.fate.delayMs, `${cart.id} checkout after reminder`, () =>
        postEvent(cart, Infinity, true),
      );
    }
    if (cart.role === Role.unsubscriber && step === 1) {
      // The shopper's mail client posts RFC 8058's one-click body to the header's URL.
      agenda.add(sent.sentAt + 25 * MINUTE, `${cart.id} one-click unsubscribe`, async () => {
        const url = await unsubscribeUrlFrom(sent.path);
        await call(
          `${url.pathname}${url.search}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'List-Unsubscribe=One-Click',
          },
          'one-click unsubscribe',
        );
      });
    }
    if (cart.role === Role.suppressed && step === 1) {
      agenda.add(sent.sentAt + 2 * 60 * MINUTE, `${cart.id} suppress`, () =>
        call(
          `/owner/api/carts/${cart.id}/suppress`,
          { method: 'POST', headers: ownerHeaders, body: '{}' },
          'suppress',
        ),
      );
    }
  });

  let steps = 0;
  for (let t = plan.start; t <= end; t += STEP_MS) {
    for (let action = agenda.takeDue(t); action !== undefined; action = agenda.takeDue(t)) {
      clock.set(Math.max(clock.now(), action.at));
      // Wake-ups due before this action happen before it, as they would in real time.
      await loop.drain();
      await action.run();
    }
    clock.set(t);
    await loop.drain();
    steps++;
    const nextDue = runtime.store.nextDueAt();
    if (agenda.size === 0 && (nextDue === null || nextDue > end)) break;
  }
  return { steps, endedAt: clock.now() };
}
