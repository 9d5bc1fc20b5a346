/**
 * The EventBridge Scheduler target: input `{"cartId":"..."}`, one wake-up. The wake use case
 * re-reads the row every time, so a schedule that fires late, twice, or after a checkout is safe.
 *
 * What fails how: an input that can never work (not JSON, no cart id) is logged and dropped, so it
 * is not retried for a day. A fault (DynamoDB, Scheduler, a lost race eight times) is thrown, so
 * the invocation is retried and, when retries run out, lands in the dead-letter queue. A refused
 * send is not a fault here: wake() already gave the step back and re-armed the cart.
 */
import * as z from 'zod';
import type { WakeReport } from '../app/wake.ts';
import { CART_ID } from '../domain/input-rules.ts';
import { memo } from './aws-env.ts';
import { type AwsRuntime, containerRuntime } from './aws-runtime.ts';

const WaiterInput = z.object({ cartId: z.string().regex(CART_ID, 'not a cart id') });

export type WaiterResult =
  | { readonly kind: 'dropped'; readonly problem: string }
  | { readonly kind: 'woke'; readonly report: WakeReport };

/** Scheduler passes the target's Input as the event; a hand-run invoke may pass it as a string. */
export function parseWaiterInput(
  event: unknown,
): { ok: true; cartId: string } | { ok: false; problem: string } {
  let value = event;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false, problem: 'input is not JSON' };
    }
  }
  const parsed = WaiterInput.safeParse(value);
  if (!parsed.success) {
    const problem = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
      .join('; ');
    return { ok: false, problem: `expected {"cartId":"..."}: ${problem}` };
  }
  return { ok: true, cartId: parsed.data.cartId };
}

export function createWaiterHandler(runtime: () => AwsRuntime) {
  const wake = memo(() => runtime().wake());
  return async (event: unknown): Promise<WaiterResult> => {
    const input = parseWaiterInput(event);
    if (!input.ok) {
      console.error(
        `[waiter] dropped a wake-up: ${input.problem}`,
        JSON.stringify(event)?.slice(0, 500),
      );
      return { kind: 'dropped', problem: input.problem };
    }
    const report = await (await wake())(input.cartId);
    // A failed send is logged by wake itself (reminder.send_failed), without the SES reply's
    // quoted address that report.error may hold.
    if (report.kind === 'missing') {
      console.warn(`[waiter] cart ${report.cartId} is not in the table; nothing to do`);
    }
    return { kind: 'woke', report };
  };
}

export const handler = createWaiterHandler(containerRuntime);
