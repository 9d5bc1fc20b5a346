/**
 * Every store platform the service speaks, in one list: config reads each one's secret and
 * settings from it, both runtimes mount each one's route through the one generic webhook route,
 * and the stack puts each secret in the one JSON secret. Adding a platform is its folder plus a
 * line here.
 */
import type { StorePlatform } from './platform.ts';
import { stripePlatform } from './stripe/stripe-platform.ts';
import { wooCommercePlatform } from './woocommerce/woocommerce-platform.ts';

export const PLATFORMS: readonly StorePlatform[] = [stripePlatform, wooCommercePlatform];
