/**
 * Stripe Checkout (and Payment Links, which open Checkout Sessions) at POST /webhooks/stripe.
 * Verified by Stripe-Signature against CR_STRIPE_SECRET (comma-separated while a secret is rolled);
 * line items come from Stripe's API with CR_STRIPE_API_KEY when it is set.
 */
import type { PlatformLane, PlatformOptions, StorePlatform } from '../platform.ts';
import { createStripeApi } from './api.ts';
import { mapStripeEvent } from './map.ts';
import { verifyStripeSignature } from './signature.ts';

export const STRIPE_API_KEY = 'CR_STRIPE_API_KEY';

export const stripePlatform: StorePlatform = {
  name: 'stripe',
  title: 'Stripe',
  route: '/webhooks/stripe',
  // A Checkout Session event is a few KiB; metadata and custom fields can grow it. Refusing one
  // makes Stripe retry it for three days and then drop it, so the bound is generous.
  maxBodyBytes: 256 * 1024,
  secretVariable: 'CR_STRIPE_SECRET',
  // Stripe's event id (`evt_...`) is the body's top-level `id`, the same on every retry.
  eventIdPath: 'id',
  settings: [
    {
      variable: STRIPE_API_KEY,
      doc: "Stripe restricted key with read access to Checkout Sessions: reminders list the session's line items (unset: the total only)",
      secret: true,
    },
  ],
  create(options: PlatformOptions): PlatformLane {
    const apiKey = options.settings[STRIPE_API_KEY]?.trim();
    const api = apiKey ? createStripeApi({ apiKey, fetch: options.fetch ?? fetch }) : null;
    const deps = {
      api,
      warn: (message: string) => console.warn(message),
    };
    return {
      verify: (delivery) => verifyStripeSignature(delivery, options.secrets),
      // Stripe's ids are strings, so JSON.parse loses nothing here.
      map: (delivery) => mapStripeEvent(delivery.json(), deps),
    };
  },
};
