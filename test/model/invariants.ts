/** The promises, checked against the real store and the recorded mails after every command. */
import { expect } from 'vitest';
import { DEFAULT_POLICY } from '../../src/domain/policy.ts';
import { retainUntil } from '../../src/domain/retention.ts';
import type { Model } from './model.ts';
import { CART_IDS, type ModelSystem, OWNER_NAME } from './system.ts';

/** The model's CR_BOUGHT_GRACE: the default. */
const BOUGHT_GRACE_MS = 24 * 3_600_000;

export async function checkInvariants(model: Model, sys: ModelSystem): Promise<void> {
  checkMails(model, sys);
  await checkPurchaseGuard(model, sys);
  await checkRows(model, sys);
  await checkStops(model, sys);
}

/** No mail after an acknowledged checkout or unsubscribe. */
function checkMails(model: Model, sys: ModelSystem): void {
  sys.sent.forEach((mail, index) => {
    const boughtAt = model.checkedOut.get(mail.cartId);
    if (boughtAt !== undefined && index >= boughtAt) {
      throw new Error(`mail #${index} (step ${mail.step}) to bought cart ${mail.cartId}`);
    }
    const unsubscribedAt = model.unsubscribed.get(mail.to);
    if (unsubscribedAt !== undefined && index >= unsubscribedAt) {
      throw new Error(`mail #${index} to unsubscribed ${mail.to} (cart ${mail.cartId})`);
    }
  });
}

/**
 * No mail to an address after its purchase was acknowledged, about any cart (other cart ids
 * included) last active, at the send, no more than the grace after the purchase. A cart the
 * shopper filled more than a day after buying is a new shopping trip and may be chased.
 */
async function checkPurchaseGuard(model: Model, sys: ModelSystem): Promise<void> {
  for (const [index, mail] of sys.sent.entries()) {
    const purchases = model.purchases.filter((p) => p.email === mail.to && index >= p.mailsAtAck);
    if (purchases.length === 0) continue;
    const rows = await sys.runtime.store.auditFor(mail.cartId);
    const sent = rows.find(
      (row) => row.action === 'reminder_sent' && row.detail?.messageId === mail.messageId,
    );
    const activity = sent?.before?.lastActivityAt;
    if (activity === undefined) throw new Error(`mail #${index} has no reminder_sent row`);
    for (const p of purchases) {
      if (p.at >= activity - BOUGHT_GRACE_MS) {
        throw new Error(
          `mail #${index} to ${mail.to} (cart ${mail.cartId}, active ${activity}) after a purchase at ${p.at}`,
        );
      }
    }
  }
}

async function checkRows(model: Model, sys: ModelSystem): Promise<void> {
  const { runtime } = sys;
  const dupes = runtime.db
    .prepare('SELECT id, COUNT(*) AS n FROM carts GROUP BY id HAVING n > 1')
    .all();
  expect(dupes).toEqual([]);
  for (const cartId of CART_IDS) {
    const cart = await runtime.store.get(cartId);
    if (cart === null) {
      expect(model.known.has(cartId), `acknowledged cart ${cartId} has no row`).toBe(false);
      continue;
    }
    expect(model.known.has(cartId), `cart ${cartId} appeared unasked`).toBe(true);
    if (model.checkedOut.has(cartId)) expect(cart.status).toBe('bought');
    if (cart.status === 'open') {
      expect(cart.wakeAt, `open cart ${cartId} has no wake-up`).not.toBeNull();
    } else {
      // A final cart's one wake-up is the end of its retention (the model keeps the 90d default).
      expect(cart.wakeAt, `${cart.status} cart ${cartId} has a wake-up besides retention`).toBe(
        retainUntil(cart, DEFAULT_POLICY),
      );
    }
    const audit = await runtime.store.auditFor(cartId);
    if (cart.status === 'bought') {
      expect(audit.some((row) => row.action === 'checkout')).toBe(true);
    }
    // One mail per step per sequence (a reopened expired cart starts a fresh sequence), and
    // every mail sent has its audit row.
    let steps = new Set<number>();
    let sentRows = 0;
    for (const row of audit) {
      if (row.action === 'reopened') steps = new Set();
      if (row.action !== 'reminder_sent') continue;
      sentRows++;
      const step = Number(row.detail?.step);
      expect(steps.has(step), `cart ${cartId} step ${step} sent twice`).toBe(false);
      steps.add(step);
    }
    expect(sys.sent.filter((mail) => mail.cartId === cartId).length).toBe(sentRows);
  }
}

/** Every stop the model made has its audit row. */
async function checkStops(model: Model, sys: ModelSystem): Promise<void> {
  for (const stop of model.stops) {
    if (stop.kind === 'unsubscribe') {
      const rows = await sys.runtime.store.auditForEmail(stop.email);
      expect(
        rows.some((row) => row.action === 'unsubscribe'),
        `unsubscribe of ${stop.email} not audited`,
      ).toBe(true);
      expect((await sys.runtime.unsubscribes.get(stop.email))?.kind).toBe('unsubscribed');
      continue;
    }
    const rows = await sys.runtime.store.auditFor(stop.cartId);
    expect(
      rows.some((row) => row.action === stop.kind && row.actor === OWNER_NAME),
      `${stop.kind} of ${stop.cartId} not audited`,
    ).toBe(true);
  }
}

/** After a drain nothing due is left behind. */
export function checkDrained(sys: ModelSystem): void {
  const next = sys.runtime.store.nextDueAt();
  if (next !== null) expect(next).toBeGreaterThan(sys.clock.now());
}
