/**
 * SES bounce and complaint notifications, delivered by SNS: a permanent bounce or a complaint puts
 * the address on the never-send list for good (kind `bounced` / `complained`, actor `system`, with
 * its audit row). An address the shopper had already unsubscribed is upgraded to the stronger
 * kind, so the complaint is still audited and still counts in sender health: "unsubscribe, then
 * Report spam" is common, and SES counts that complaint against the sender whatever our list says.
 * SNS delivers at least once, so a repeat finds the address already there with that kind.
 *
 * A message that is not SES feedback is logged and skipped (retrying cannot fix it); a DynamoDB
 * fault is thrown so Lambda retries the event, which is safe for the records already applied.
 */
import type { SNSEvent } from 'aws-lambda';
import { AuditAction, SYSTEM } from '../domain/audit.ts';
import { blockedBy, parseSesNotification } from '../domain/ses-feedback.ts';
import type { Clock } from '../ports/clock.ts';
import { BlockKind, type UnsubscribeList } from '../ports/unsubscribe-list.ts';
import { type AwsRuntime, containerRuntime } from './aws-runtime.ts';

export interface FeedbackOutcome {
  readonly added: string[];
  /** On the list for a weaker reason (an unsubscribe) before; now bounced or complained. */
  readonly upgraded: string[];
  /** Already blocked for this reason or a stronger one (a redelivery): nothing written. */
  readonly already: string[];
  /** Records that were not SES feedback, with the reason; nothing was written for them. */
  readonly invalid: string[];
  /** Deliveries, transient bounces, other event types: nothing to do. */
  readonly ignored: number;
}

export async function applySesFeedback(
  event: Pick<SNSEvent, 'Records'>,
  deps: { readonly unsubscribes: UnsubscribeList; readonly clock: Clock },
): Promise<FeedbackOutcome> {
  const outcome = { added: [] as string[], upgraded: [] as string[], already: [] as string[] };
  const invalid: string[] = [];
  let ignored = 0;
  const records = Array.isArray(event?.Records) ? event.Records : [];
  for (const [index, record] of records.entries()) {
    const feedback = parseSesNotification(record?.Sns?.Message);
    if (feedback.kind === 'invalid') {
      const id = record?.Sns?.MessageId ?? `record ${index}`;
      invalid.push(`${id}: ${feedback.problem}`);
      console.error(`[ses-feedback] skipped ${id}: ${feedback.problem}`);
      continue;
    }
    const blocks = blockedBy(feedback);
    if (blocks === null) {
      ignored++;
      continue;
    }
    const kind = blocks.kind === 'bounced' ? BlockKind.bounced : BlockKind.complained;
    const action = blocks.kind === 'bounced' ? AuditAction.bounced : AuditAction.complained;
    const reason =
      blocks.kind === 'bounced' ? 'SES reported a permanent bounce' : 'SES reported a complaint';
    for (const email of blocks.emails) {
      const at = deps.clock.now();
      const result = await deps.unsubscribes.add(
        { email, kind, at, actor: SYSTEM },
        {
          cartId: null,
          email,
          action,
          actor: SYSTEM,
          at,
          reason,
          detail: { source: 'ses', snsMessageId: record?.Sns?.MessageId ?? null },
          before: null,
          after: null,
        },
      );
      outcome[result].push(email);
    }
  }
  const { added, upgraded, already } = outcome;
  if (added.length > 0) console.info(`[ses-feedback] blocked ${added.join(', ')}`);
  if (upgraded.length > 0) console.info(`[ses-feedback] strengthened ${upgraded.join(', ')}`);
  return { added, upgraded, already, invalid, ignored };
}

export function createSesFeedbackHandler(runtime: () => AwsRuntime) {
  return async (event: SNSEvent): Promise<FeedbackOutcome> => {
    const r = runtime();
    return applySesFeedback(event, { unsubscribes: r.unsubscribes, clock: r.clock });
  };
}

export const handler = createSesFeedbackHandler(containerRuntime);
