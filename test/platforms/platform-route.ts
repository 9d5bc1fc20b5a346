/**
 * Delivers to a platform's webhook route on a full local runtime (test/support/runtime.ts), with
 * real signatures. Until the generic platform route (the seam: http/, mounted for every entry of
 * PLATFORMS) is in the composed app, this stands in for it with the seam's contract — 404 without
 * the secret, 413 over the body limit, 401 on a failed verify, 400 invalid, 200 ignored, 200 stored
 * through the runtime's own intake — so the lanes' route tests already run end to end; once the
 * seam lands, `deliver` sends to `rt.app` and nothing else changes.
 */
import { Hono } from 'hono';
import type { Ingest } from '../../src/app/intake.ts';
import type { PlatformDelivery, StorePlatform } from '../../src/platforms/platform.ts';
import { openTestRuntime } from '../support/runtime.ts';

export type TestRuntime = ReturnType<typeof openTestRuntime>;

/** What a mounted platform feeds: read on every delivery, so a restarted runtime is followed. */
export interface PlatformTarget {
  readonly ingest: Ingest;
  readonly config: { readonly storeHosts: readonly string[] };
  readonly clock: { now(): number };
}

export function openPlatformRuntime(
  platforms: readonly StorePlatform[],
  env: Record<string, string>,
  start: number,
  fetchStandIn?: typeof fetch,
) {
  const rt = openTestRuntime(env, start);
  const routes = mountPlatforms(platforms, () => rt, env, fetchStandIn);
  async function deliver(path: string, body: string, headers: Record<string, string>) {
    const init = { method: 'POST', headers, body };
    const res = await (path.startsWith('/webhooks/') && path !== '/webhooks/shopify'
      ? routes.request(path, init)
      : rt.app.request(path, init));
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  return { rt, deliver };
}

/** A Hono app serving each platform's route over the target's intake, as the seam's route does. */
export function mountPlatforms(
  platforms: readonly StorePlatform[],
  target: () => PlatformTarget,
  env: Record<string, string>,
  fetchStandIn?: typeof fetch,
): Hono {
  const app = new Hono();
  for (const platform of platforms) mount(app, platform, target, env, fetchStandIn);
  return app;
}

function mount(
  app: Hono,
  platform: StorePlatform,
  target: () => PlatformTarget,
  env: Record<string, string>,
  fetchStandIn: typeof fetch | undefined,
) {
  const secrets = (env[platform.secretVariable] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const settings = Object.fromEntries(platform.settings.map((s) => [s.variable, env[s.variable]]));
  const lane = platform.create({
    secrets,
    settings,
    storeHosts: target().config.storeHosts,
    ...(fetchStandIn ? { fetch: fetchStandIn } : {}),
  });
  app.post(platform.route, async (c) => {
    if (secrets.length === 0)
      return c.json({ error: `${platform.name} webhooks are not enabled` }, 404);
    const body = new Uint8Array(await c.req.arrayBuffer());
    if (body.byteLength > platform.maxBodyBytes) return c.json({ error: 'body too large' }, 413);
    const delivery: PlatformDelivery = {
      body,
      header: (name) => c.req.header(name),
      receivedAt: target().clock.now(),
    };
    const verdict = lane.verify(delivery);
    if (!verdict.ok) return c.json({ error: 'unauthorized', details: [verdict.problem] }, 401);
    const mapped = await lane.map(delivery);
    switch (mapped.kind) {
      case 'invalid':
        return c.json({ error: `invalid ${platform.name} webhook`, details: mapped.details }, 400);
      case 'ignored':
        return c.json({ ignored: true, reason: mapped.reason });
      case 'events': {
        let answer: Record<string, unknown> = {};
        for (const event of mapped.events) {
          const result = await target().ingest(event);
          if (result.kind === 'id_reused') return c.json({ error: 'event id reused' }, 409);
          answer = {
            cart: { id: result.cart?.id ?? event.cart.id, status: result.cart?.status ?? 'open' },
            duplicate: result.kind === 'duplicate',
          };
        }
        return c.json(answer);
      }
    }
  });
}
