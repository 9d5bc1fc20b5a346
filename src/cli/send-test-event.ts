/**
 * `cart-recovery send-test-event [--checkout]`: one correctly signed event, stamped now, posted to
 * the running service, so a first try never trips on a stale `occurredAt` or a hand-made signature.
 *
 * Each plain run makes a new test cart (`test_<base36 time>`): a bought cart stays bought, so one
 * fixed id would work once. Its id is remembered in the data dir (`test-cart-id`), and
 * `--checkout` buys that cart.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, parseConfig } from '../app/config.ts';
import { parseHostRule } from '../domain/store-hosts.ts';
import { signWebhook } from '../domain/webhook-signature.ts';
import { type CommandRunner, shellWord, UsageError } from './args.ts';

export const TEST_CART_FILE = 'test-cart-id';
const TEST_EMAIL = 'test@example.com';

export class SendTestEventError extends Error {
  override readonly name = 'SendTestEventError';
}

/** Where the service answers: CR_PUBLIC_URL when set, else where `serve` listens. */
export function serviceUrl(env: NodeJS.ProcessEnv, config: Config): string {
  if (env.CR_PUBLIC_URL !== undefined && env.CR_PUBLIC_URL.trim() !== '') return config.publicUrl;
  // A wildcard listen address is reached on loopback.
  const host = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

function webhookSecret(config: Config): string {
  if (config.webhookSecret !== undefined) return config.webhookSecret;
  const path = join(config.dataDir, 'secrets.json');
  let stored: { webhookSecret?: unknown };
  try {
    stored = JSON.parse(readFileSync(path, 'utf8')) as { webhookSecret?: unknown };
  } catch {
    throw new SendTestEventError(
      `no webhook secret: CR_WEBHOOK_SECRET is unset and ${path} cannot be read (start serve once, or set CR_WEBHOOK_SECRET or CR_DATA_DIR)`,
    );
  }
  if (typeof stored.webhookSecret !== 'string') {
    throw new SendTestEventError(`${path} has no webhookSecret; set CR_WEBHOOK_SECRET`);
  }
  return stored.webhookSecret;
}

/** A restore link CR_STORE_HOSTS lets through, so the test is not refused for its own link. */
function restoreUrl(config: Config, cartId: string): string {
  const first = config.storeHosts[0];
  const rule = first === undefined ? null : parseHostRule(first);
  const base =
    config.storeUrl ??
    (rule === null
      ? 'https://shop.example'
      : `${rule.allowHttp ? 'http' : 'https'}://${rule.host}`);
  return `${base.replace(/\/+$/, '')}/cart/${cartId}`;
}

export function testEvent(config: Config, cartId: string, checkout: boolean, now: number) {
  return {
    id: `evt_${cartId}_${checkout ? 'checkout' : 'updated'}_${now.toString(36)}`,
    type: checkout ? 'cart.checked_out' : 'cart.updated',
    // The time the cart changed: now. An old stamp is let go at once as expired.
    occurredAt: new Date(now).toISOString(),
    cart: {
      id: cartId,
      // The owner's own inbox when there is one: a test that mails someone gets seen.
      email: config.reportTo[0] ?? TEST_EMAIL,
      currency: 'USD',
      total: '59.00',
      items: [{ sku: 'TEST-1', name: 'Test item', quantity: 1, price: '59.00' }],
      restoreUrl: restoreUrl(config, cartId),
      consent: true,
    },
    orderId: checkout ? `order_${cartId}` : null,
  };
}

function rememberedCart(config: Config): string {
  const path = join(config.dataDir, TEST_CART_FILE);
  const id = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
  if (id === '') {
    throw new UsageError(
      `no test cart yet in ${path}; run send-test-event without --checkout first`,
    );
  }
  return id;
}

async function post(url: string, body: string, signature: string): Promise<Response> {
  try {
    return await fetch(`${url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cr-signature': signature },
      body,
    });
  } catch (error) {
    throw new SendTestEventError(
      `nothing answers at ${url} (is serve running? start it with npm start, or set CR_PUBLIC_URL)`,
      { cause: error },
    );
  }
}

export const runSendTestEvent: CommandRunner = async (args, { log, env }) => {
  const config = parseConfig(env);
  const checkout = args.flags.get('checkout') === true;
  const secret = webhookSecret(config);
  const now = Date.now();
  const cartId = checkout ? rememberedCart(config) : `test_${now.toString(36)}`;
  const body = JSON.stringify(testEvent(config, cartId, checkout, now));
  const url = serviceUrl(env, config);
  const res = await post(url, body, signWebhook(secret, body, Math.floor(now / 1000)));
  log(`POST ${url}/events (${checkout ? 'cart.checked_out' : 'cart.updated'} for ${cartId})`);
  log(`${res.status} ${await res.text()}`);
  if (!res.ok) return 1;
  const prefix = env.CR_DATA_DIR === undefined ? '' : `CR_DATA_DIR=${shellWord(config.dataDir)} `;
  // Not creating a data dir: the service may be on another machine, with its secret from env.
  const remembered = !checkout && existsSync(config.dataDir);
  if (remembered) writeFileSync(join(config.dataDir, TEST_CART_FILE), `${cartId}\n`);
  log('');
  log(`Next: ${prefix}npx cart-recovery audit ${cartId}`);
  if (!checkout) {
    const first = config.policy.cadenceMs[0] ?? 0;
    log(
      `  its first reminder to ${config.reportTo[0] ?? TEST_EMAIL} is due at ${new Date(now + first).toISOString()} (gate permitting);`,
    );
    log(
      remembered
        ? `  to buy it (and stop it): ${prefix}npx cart-recovery send-test-event --checkout`
        : `  (no data dir ${config.dataDir} here to remember it in, so --checkout will not find it)`,
    );
  }
  return 0;
};
