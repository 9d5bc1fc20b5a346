/** The owner JSON API (SPEC section 6). Every route needs a named owner token. */
import { Hono } from 'hono';
import * as z from 'zod';
import type { OwnerToken } from '../app/config.ts';
import type { SenderHealthMonitor } from '../app/sender-health.ts';
import type { Stops } from '../app/stops.ts';
import { dayRange, isDay, localDay } from '../domain/calendar.ts';
import type { CartView } from '../domain/cart.ts';
import { toCartView } from '../domain/cart-view.ts';
import { normaliseEmail } from '../domain/email.ts';
import { fieldProblems } from '../domain/field-problems.ts';
import { isCartId, isMonth } from '../domain/input-rules.ts';
import type { CartStore } from '../ports/cart-store.ts';
import type { Clock } from '../ports/clock.ts';
import { HttpError } from './errors.ts';
import { type OwnerEnv, requireOwner } from './owner-auth.ts';
import { limitBody, parseJsonBody } from './request-body.ts';

export interface OwnerApiDeps {
  readonly store: CartStore;
  readonly stops: Stops;
  readonly owners: readonly OwnerToken[];
  readonly clock: Clock;
  readonly storeTimeZone: string;
  /** Sender health: the rolling rates and whether nudges are on hold; an owner may clear a hold. */
  readonly senderHealth?: SenderHealthMonitor;
  /** Monthly summary as JSON; absent until the summary is wired. */
  readonly summary?: (month: string) => Promise<unknown>;
}

const writeOffBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });
const unsubscribeBody = z.strictObject({ email: z.string().max(320) });

function cartIdParam(id: string): string {
  if (!isCartId(id))
    throw new HttpError(400, 'invalid cart id', [{ path: 'id', problem: 'not a cart id' }]);
  return id;
}

async function readJson<T>(
  c: { req: { arrayBuffer(): Promise<ArrayBuffer>; header(name: string): string | undefined } },
  schema: z.ZodType<T>,
): Promise<T> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const parsed = schema.safeParse(parseJsonBody(raw, c.req.header('content-type')));
  if (!parsed.success) {
    throw new HttpError(400, 'invalid request body', fieldProblems(parsed.error.issues));
  }
  return parsed.data;
}

export function ownerApi(deps: OwnerApiDeps): Hono<OwnerEnv> {
  const { store, stops, clock, storeTimeZone } = deps;
  const app = new Hono<OwnerEnv>();
  app.use('/owner/api/*', requireOwner(deps.owners));

  app.get('/owner/api/carts', async (c) => {
    const day = c.req.query('day') ?? localDay(clock.now(), storeTimeZone);
    if (!isDay(day)) {
      throw new HttpError(400, 'invalid day', [
        { path: 'day', problem: `"${day}" is not a date like 2026-11-23` },
      ]);
    }
    const { from, to } = dayRange(day, storeTimeZone);
    const carts: CartView[] = [];
    for await (const cart of store.listByActivity(from, to)) carts.push(toCartView(cart));
    return c.json({ day, timezone: storeTimeZone, carts });
  });

  app.get('/owner/api/carts/:id', async (c) => {
    const id = cartIdParam(c.req.param('id'));
    const cart = await store.get(id);
    if (cart === null)
      throw new HttpError(404, `no cart ${id}`, [{ path: 'id', problem: 'not found' }]);
    const audit = (await store.auditFor(id)).map((row) => ({
      ...row,
      at: new Date(row.at).toISOString(),
      before: row.before === null ? null : toCartView(row.before),
      after: row.after === null ? null : toCartView(row.after),
    }));
    return c.json({ cart: toCartView(cart), audit });
  });

  app.post('/owner/api/carts/:id/suppress', limitBody(), async (c) => {
    const id = cartIdParam(c.req.param('id'));
    const result = await stops.suppress(id, c.get('owner'));
    if (result.kind === 'not_found')
      throw new HttpError(404, `no cart ${id}`, [{ path: 'id', problem: 'not found' }]);
    return c.json({ cart: toCartView(result.cart), changed: result.kind === 'stopped' });
  });

  app.post('/owner/api/carts/:id/write-off', limitBody(), async (c) => {
    const id = cartIdParam(c.req.param('id'));
    const { reason } = await readJson(c, writeOffBody);
    const result = await stops.writeOff(id, c.get('owner'), reason);
    if (result.kind === 'not_found')
      throw new HttpError(404, `no cart ${id}`, [{ path: 'id', problem: 'not found' }]);
    return c.json({ cart: toCartView(result.cart), changed: result.kind === 'stopped' });
  });

  app.post('/owner/api/unsubscribe', limitBody(), async (c) => {
    const body = await readJson(c, unsubscribeBody);
    const email = normaliseEmail(body.email);
    if (!email.ok)
      throw new HttpError(400, 'invalid email', [{ path: 'email', problem: email.problem }]);
    const result = await stops.unsubscribe(email.email, c.get('owner'));
    return c.json({
      email: result.email,
      unsubscribed: true,
      changed: result.kind === 'unsubscribed',
    });
  });

  app.get('/owner/api/sender-health', async (c) => {
    if (deps.senderHealth === undefined) throw new HttpError(404, 'sender health is not available');
    return c.json(await deps.senderHealth.status());
  });

  app.post('/owner/api/sender-health/clear', limitBody(), async (c) => {
    if (deps.senderHealth === undefined) throw new HttpError(404, 'sender health is not available');
    return c.json(await deps.senderHealth.clear(c.get('owner')));
  });

  app.get('/owner/api/summary', async (c) => {
    const month = c.req.query('month') ?? localDay(clock.now(), storeTimeZone).slice(0, 7);
    if (!isMonth(month)) {
      throw new HttpError(400, 'invalid month', [
        { path: 'month', problem: `"${month}" is not a month like 2026-11` },
      ]);
    }
    if (deps.summary === undefined) throw new HttpError(404, 'summary is not available');
    return c.json(await deps.summary(month));
  });

  return app;
}
