/**
 * The real thing the model test drives: the whole local service (openLocalRuntime on a temp dir)
 * with a manual clock and a mailer that records every send, reopened on the same dir on restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/app/config.ts';
import { type LocalRuntime, openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { parseReminderMessageId, reminderCartKey } from '../../src/domain/copy.ts';
import { createManualClock, type ManualClock } from '../../src/ports/clock.ts';
import type { Mailer, OutgoingEmail } from '../../src/ports/mailer.ts';
import { signedRequest } from '../support/signed-event.ts';
import { LANE_ENV, type LaneDelivery, signLane } from './lanes.ts';

export const SECRET = 'whsec_model_test_0123456789abcdef';
export const OWNER_TOKEN = 'own_model_test_0123456789abcdef';
export const OWNER_NAME = 'sam';
// Two carts arrive through POST /events and two through the Stripe Checkout and WooCommerce
// lanes (test/model/lanes.ts), so a purchase on one lane must stop reminders on the others. Four
// in all, as before the lanes came, so a run costs what it did.
export const CART_IDS = ['c_a', 'c_b', 'stripe_cs_test_m1', 'woocommerce_901'] as const;
export const EMAILS = ['ann@example.com', 'bob@example.com', 'cy@example.com'] as const;
/** The Message-ID domain: the hostname of CR_PUBLIC_URL. */
const PUBLIC_URL = 'http://shop-recovery.test';

export interface SentMail extends OutgoingEmail {
  readonly cartId: string;
  readonly step: number;
}

export interface SystemOptions {
  readonly quietZone: string | null;
  readonly frequencyCap: boolean;
  readonly start: number;
}

/** Which cart a reminder is about, from the cart key in its stable Message-ID. */
const byCartKey = new Map<string, string>(
  CART_IDS.map((cartId) => [reminderCartKey(cartId), cartId]),
);
function aboutMessage(messageId: string): { cartId: string; step: number } | undefined {
  const named = parseReminderMessageId(messageId);
  const cartId = named === null ? undefined : byCartKey.get(named.cartKey);
  return cartId === undefined || named === null ? undefined : { cartId, step: named.step };
}

export class ModelSystem {
  readonly clock: ManualClock;
  readonly sent: SentMail[] = [];
  readonly dir: string;
  runtime: LocalRuntime;
  private readonly mailer: Mailer;
  private readonly env: Record<string, string>;

  constructor(parent: string, options: SystemOptions) {
    this.dir = mkdtempSync(join(parent, 'run-'));
    this.clock = createManualClock(options.start);
    this.mailer = {
      send: async (email) => {
        const about = aboutMessage(email.messageId);
        if (about === undefined) throw new Error(`unexpected Message-ID ${email.messageId}`);
        this.sent.push({ ...email, ...about });
        return { receipt: `recorded-${this.sent.length}` };
      },
    };
    this.env = {
      CR_DATA_DIR: this.dir,
      CR_PUBLIC_URL: PUBLIC_URL,
      CR_WEBHOOK_SECRET: SECRET,
      CR_OWNERS: `${OWNER_NAME}:${OWNER_TOKEN}`,
      CR_CADENCE: '1h,2h,3h',
      CR_GIVE_UP_AFTER: '10h',
      CR_QUIET_HOURS: options.quietZone === null ? 'off' : '21:00-08:00',
      CR_TIMEZONE: options.quietZone ?? 'UTC',
      CR_FREQUENCY_CAP: options.frequencyCap ? '20h' : 'off',
      ...LANE_ENV,
      // Restart here is a clean close and reopen, never a crash, so fsync buys nothing but time.
      CR_SQLITE_SYNC: 'OFF',
    };
    this.runtime = this.open();
  }

  private open(): LocalRuntime {
    return openLocalRuntime(parseConfig(this.env), { clock: this.clock, mailer: this.mailer });
  }

  async restart(): Promise<void> {
    await this.runtime.close();
    this.runtime = this.open();
  }

  async postEvent(body: string): Promise<Response> {
    return this.runtime.app.request('/events', signedRequest(SECRET, body, this.clock.now()));
  }

  /** A delivery on any lane, signed now as its platform signs it. */
  async deliver(delivery: LaneDelivery): Promise<Response> {
    if (delivery.path === '/events') return this.postEvent(delivery.body);
    const init = {
      method: 'POST',
      headers: signLane(delivery, this.clock.now()),
      body: delivery.body,
    };
    return this.runtime.app.request(delivery.path, init);
  }

  async owner(path: string, body: unknown): Promise<Response> {
    return this.runtime.app.request(`/owner/api${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OWNER_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** The shopper presses the one-click unsubscribe of a sent email (RFC 8058 POST). */
  async oneClickUnsubscribe(mail: SentMail): Promise<Response> {
    const header = mail.headers['List-Unsubscribe'] ?? '';
    const url = new URL(header.replace(/^<|>$/g, ''));
    return this.runtime.app.request(`${url.pathname}${url.search}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
  }

  async dispose(): Promise<void> {
    await this.runtime.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function makeParentDir(): string {
  return mkdtempSync(join(tmpdir(), 'cr-model-'));
}
