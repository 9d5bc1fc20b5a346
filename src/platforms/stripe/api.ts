/**
 * The one Stripe API call the lane makes: a Checkout Session's line items, which its webhooks
 * never carry (`GET /v1/checkout/sessions/{id}/line_items`, paged by `starting_after` while
 * `has_more`). A restricted key with read access to Checkout Sessions is enough. Over the
 * `fetch` handed in, so tests point it at a local stand-in and check every request.
 */
import { ITEM_LIMIT } from '../mapping-kit.ts';
import { lineItemPageSchema, type StripeLineItem } from './payload.ts';

export const STRIPE_API_BASE = 'https://api.stripe.com';
// Stripe's largest page; a session can hold more lines than one page.
const PAGE_SIZE = 100;
/** Stripe waits about 10 s for our answer before it counts a failure: the call must end sooner. */
const TIMEOUT_MS = 5000;

export class StripeApiError extends Error {
  override readonly name = 'StripeApiError';
}

export interface StripeApi {
  /** Up to ITEM_LIMIT.items lines, in Stripe's order; throws StripeApiError on any failure. */
  lineItems(sessionId: string): Promise<StripeLineItem[]>;
}

export interface StripeApiOptions {
  readonly apiKey: string;
  readonly fetch: typeof fetch;
  readonly baseUrl?: string;
}

export function createStripeApi(options: StripeApiOptions): StripeApi {
  const base = options.baseUrl ?? STRIPE_API_BASE;
  async function page(sessionId: string, after: string | undefined) {
    const url = new URL(`/v1/checkout/sessions/${encodeURIComponent(sessionId)}/line_items`, base);
    url.searchParams.set('limit', String(PAGE_SIZE));
    if (after !== undefined) url.searchParams.set('starting_after', after);
    const where = `GET ${url.pathname}`;
    let response: Response;
    try {
      response = await options.fetch(url, {
        headers: { authorization: `Bearer ${options.apiKey}`, accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new StripeApiError(`Stripe API ${where} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!response.ok) {
      // Stripe's error body names the problem (a key without the permission, an unknown session).
      const text = (await response.text().catch(() => '')).slice(0, 200);
      throw new StripeApiError(`Stripe API ${where} answered ${response.status}: ${text}`);
    }
    const parsed = lineItemPageSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new StripeApiError(`Stripe API ${where} sent an unexpected list`);
    return parsed.data;
  }

  return {
    async lineItems(sessionId) {
      const items: StripeLineItem[] = [];
      let after: string | undefined;
      while (items.length < ITEM_LIMIT.items) {
        const { data, has_more } = await page(sessionId, after);
        items.push(...data);
        const last = data.at(-1);
        if (!has_more || last === undefined) break;
        after = last.id;
      }
      return items.slice(0, ITEM_LIMIT.items);
    },
  };
}
