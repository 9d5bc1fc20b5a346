/**
 * Every store platform the service speaks, in one list: config reads each one's secret and
 * settings from it, both runtimes mount each one's route through the one generic webhook route,
 * and the stack puts each secret in the one JSON secret. Adding a platform is its folder plus a
 * line here.
 */
import type { StorePlatform } from './platform.ts';
import { shopify } from './shopify/platform.ts';
import { stripePlatform } from './stripe/stripe-platform.ts';
import { wooCommercePlatform } from './woocommerce/woocommerce-platform.ts';

const registered: StorePlatform[] = [shopify, stripePlatform, wooCommercePlatform];

/** Read at each use (config, composition, stack), so a platform registered later is included. */
export const PLATFORMS: readonly StorePlatform[] = registered;

export class PlatformRegistryError extends Error {
  override readonly name = 'PlatformRegistryError';
}

/**
 * Adds a platform at run time (tests register a toy one this way) and returns its removal.
 * Two platforms may not share a name, a route or a secret variable: each is a key elsewhere.
 */
export function registerPlatform(platform: StorePlatform): () => void {
  const clash = registered.find(
    (other) =>
      other.name === platform.name ||
      other.route === platform.route ||
      other.secretVariable === platform.secretVariable,
  );
  if (clash !== undefined) {
    throw new PlatformRegistryError(
      `platform "${platform.name}" clashes with "${clash.name}" (name, route or secret variable)`,
    );
  }
  registered.push(platform);
  return () => {
    const at = registered.indexOf(platform);
    if (at >= 0) registered.splice(at, 1);
  };
}
