/**
 * Reads what SES says happened to a sent reminder, as delivered through SNS: either a classic SES
 * notification (`notificationType`) or a configuration-set event (`eventType`). Only a permanent
 * bounce or a complaint blocks an address; a transient bounce (full mailbox, greylisting) does not.
 */
import { normaliseEmail } from './email.ts';

export type SesFeedback =
  | { readonly kind: 'bounce'; readonly permanent: boolean; readonly emails: string[] }
  | { readonly kind: 'complaint'; readonly emails: string[] }
  | { readonly kind: 'delivery' | 'other' }
  | { readonly kind: 'invalid'; readonly problem: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** "Sam <sam@example.com>" or "sam@example.com" -> normalised address, or null if not one. */
function addressOf(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const bracketed = /<([^<>]+)>\s*$/.exec(raw);
  const result = normaliseEmail(bracketed?.[1] ?? raw);
  return result.ok ? result.email : null;
}

function recipients(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const emails = list.map((r) => (isObject(r) ? addressOf(r.emailAddress) : null));
  return [...new Set(emails.filter((e): e is string => e !== null))];
}

/** An SNS envelope (the whole HTTP/Lambda record) carries the SES message as a string in Message. */
function unwrap(input: unknown): unknown {
  if (typeof input === 'string') {
    const parsed = parseJson(input);
    return parsed.ok ? unwrap(parsed.value) : input;
  }
  if (isObject(input) && input.Type === 'Notification' && typeof input.Message === 'string') {
    return unwrap(input.Message);
  }
  return input;
}

export function parseSesNotification(snsMessage: string | unknown): SesFeedback {
  const message = unwrap(snsMessage);
  if (typeof message === 'string') return { kind: 'invalid', problem: 'message is not JSON' };
  if (!isObject(message)) return { kind: 'invalid', problem: 'message is not a JSON object' };
  const type = message.notificationType ?? message.eventType;
  if (typeof type !== 'string') {
    return { kind: 'invalid', problem: 'neither notificationType nor eventType is a string' };
  }
  switch (type) {
    case 'Bounce': {
      const bounce = message.bounce;
      if (!isObject(bounce)) return { kind: 'invalid', problem: 'Bounce without a bounce object' };
      const emails = recipients(bounce.bouncedRecipients);
      if (emails.length === 0)
        return { kind: 'invalid', problem: 'Bounce names no valid recipient' };
      // "Undetermined" is not proof the address is dead: it does not block.
      return { kind: 'bounce', permanent: bounce.bounceType === 'Permanent', emails };
    }
    case 'Complaint': {
      const complaint = message.complaint;
      if (!isObject(complaint))
        return { kind: 'invalid', problem: 'Complaint without a complaint object' };
      const emails = recipients(complaint.complainedRecipients);
      if (emails.length === 0)
        return { kind: 'invalid', problem: 'Complaint names no valid recipient' };
      return { kind: 'complaint', emails };
    }
    case 'Delivery':
      return { kind: 'delivery' };
    default:
      return { kind: 'other' };
  }
}

/** The addresses this feedback puts on the never-send list, and why. */
export function blockedBy(
  feedback: SesFeedback,
): { kind: 'bounced' | 'complained'; emails: string[] } | null {
  switch (feedback.kind) {
    case 'bounce':
      return feedback.permanent ? { kind: 'bounced', emails: feedback.emails } : null;
    case 'complaint':
      return { kind: 'complained', emails: feedback.emails };
    case 'delivery':
    case 'other':
    case 'invalid':
      return null;
  }
}
