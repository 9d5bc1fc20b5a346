/**
 * SES bounce and complaint notifications, delivered by SNS: a permanent bounce or a complaint puts
 * the address on the never-send list for good (kind `bounced` / `complained`, actor `system`, with
 * its audit row). An address the shopper had already unsubscribed is upgraded to the stronger
 * kind, so the complaint is still audited and still counts in sender health: "unsubscribe, then
 * Report spam" is common, and SES counts that complaint against the sender whatever our list says.
 * SNS delivers at least once, so a repeat finds the address already there with that kind.
 *
 * A bounce or complaint about a browser-lane reminder (the storefront snippet) is recorded against
 * that cart, found by the reminder's Message-ID (SES echoes it in mail.commonHeaders): sender
 * health counts it for the browser lane alone, so a stranger's dead addresses pause only the
 * snippet. Feedback that names no browser cart counts for every lane, as before.
 *
 * A message that is not SES feedback is logged and skipped (retrying cannot fix it); a DynamoDB
 * fault is thrown so Lambda retries the event, which is safe for the records already applied.
 */
import type { SNSEvent } from 'aws-lambda';
import { AuditAction, auditEntry, SYSTEM } from '../domain/audit.ts';
import { browserCartOfMessageId } from '../domain/copy.ts';
import { blockedBy, parseSesNotification } from '../domain/ses-feedback.ts';
import type { Clock } from '../ports/clock.ts';
import { BlockKind, type UnsubscribeList } from '../ports/unsubscribe-list.ts';
import { dynamoDbParts } from './aws-dynamodb.ts';
import { clockOf, once, type PartOptions } from './aws-env.ts';

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

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The SES message inside an SNS record: a JSON string, perhaps inside an SNS envelope. */
function sesMessage(raw: unknown): Json | null {
  let value = raw;
  for (let depth = 0; depth < 3; depth++) {
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        return null;
      }
    } else if (isObject(value) && value.Type === 'Notification') value = value.Message;
    else break;
  }
  return isObject(value) ? value : null;
}

/** The browser-lane cart the feedback is about, by the Message-ID of the reminder it names. */
export function browserCartOfFeedback(raw: unknown): string | null {
  const mail = sesMessage(raw)?.mail;
  if (!isObject(mail)) return null;
  const common = mail.commonHeaders;
  const fromCommon =
    isObject(common) && typeof common.messageId === 'string' ? common.messageId : null;
  const header = Array.isArray(mail.headers)
    ? mail.headers.find((h) => isObject(h) && String(h.name).toLowerCase() === 'message-id')
    : undefined;
  const fromHeaders = isObject(header) && typeof header.value === 'string' ? header.value : null;
  const messageId = fromCommon ?? fromHeaders;
  return messageId === null ? null : browserCartOfMessageId(messageId);
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
    const cartId = browserCartOfFeedback(record?.Sns?.Message);
    for (const email of blocks.emails) {
      const at = deps.clock.now();
      const result = await deps.unsubscribes.add(
        { email, kind, at, actor: SYSTEM },
        auditEntry({
          cartId,
          email,
          action,
          at,
          reason,
          detail: { source: 'ses', snsMessageId: record?.Sns?.MessageId ?? null },
        }),
      );
      outcome[result].push(email);
    }
  }
  const { added, upgraded, already } = outcome;
  if (added.length > 0) console.info(`[ses-feedback] blocked ${added.join(', ')}`);
  if (upgraded.length > 0) console.info(`[ses-feedback] strengthened ${upgraded.join(', ')}`);
  return { added, upgraded, already, invalid, ignored };
}

/** What the handler runs on; the AWS runtime (aws-runtime.ts) has it too. */
export interface FeedbackRuntime {
  readonly unsubscribes: UnsubscribeList;
  readonly clock: Clock;
}

export function createSesFeedbackHandler(runtime: () => FeedbackRuntime) {
  return async (event: SNSEvent): Promise<FeedbackOutcome> => {
    const r = runtime();
    return applySesFeedback(event, { unsubscribes: r.unsubscribes, clock: r.clock });
  };
}

/** The unsubscribe list and nothing else: this function's bundle loads only the DynamoDB client. */
export function feedbackRuntime(
  env: Readonly<Record<string, string | undefined>>,
  options: PartOptions = {},
): FeedbackRuntime {
  const dynamo = dynamoDbParts(env, options);
  return { unsubscribes: dynamo.unsubscribes(), clock: clockOf(options) };
}

export const handler = createSesFeedbackHandler(once(() => feedbackRuntime(process.env)));
