/**
 * Builds one reminder email from the owner's templates (SPEC section 3). Everything the shopper or
 * the store sent us (item names, skus, urls) is treated as hostile: control characters are
 * removed, HTML output is escaped by the template engine, only http(s) URLs ever reach an href or
 * src, and the subject is forced onto one line so nothing can smuggle a header.
 */
import { createHash } from 'node:crypto';
import type { Cart } from './cart.ts';
import { formatMoney } from './money.ts';
import type { OutgoingEmail } from './outgoing-email.ts';
import { renderTemplate, type Template } from './template.ts';

export interface TemplateSet {
  readonly subject: Template;
  readonly text: Template;
  readonly html: Template;
}

/** One step's copy, for carts that came from a saved link and for plain abandoned carts. */
export interface StepTemplates {
  readonly abandoned: TemplateSet;
  readonly saved: TemplateSet;
}

/** steps[0] is step 1; a step beyond the last uses the last one's copy. */
export interface Templates {
  readonly steps: readonly StepTemplates[];
}

export interface ReminderInput {
  readonly cart: Cart;
  readonly step: number;
  readonly templates: Templates;
  /** Signed links built by the caller: the click link back to the cart and the unsubscribe link. */
  readonly links: { readonly cart: string; readonly unsubscribe: string };
  readonly store: { readonly name: string; readonly address: string };
  readonly from: string;
  readonly messageIdDomain: string;
}

/** A reminder that cannot be built (no email, a bad link or sender): a fault in the caller. */
export class ReminderCopyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReminderCopyError';
  }
}

// C0/C1 controls and the Unicode line/paragraph separators: nothing a shopper needs, and the
// raw material of header injection and layout breaking.
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;
const MAX_FIELD = 200;
const MAX_SUBJECT = 180;

/** One line of shopper text: controls become spaces, runs of space collapse, long text is cut. */
export function cleanText(raw: string, max = MAX_FIELD): string {
  const flat = raw.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** The URL, normalised, when it is http(s); '' otherwise (javascript:, data:, junk). */
export function safeHttpUrl(raw: string | null | undefined): string {
  if (!raw) return '';
  try {
    const url = new URL(raw.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
  } catch {
    return '';
  }
}

/** A browser-lane id as the snippet lane makes it: `web_` and base64url, safe in a Message-ID. */
const SPELLED_OUT = /^web_[A-Za-z0-9_-]{1,64}$/;

/**
 * A store's cart id may carry meaning (an order number, a customer's id), so it is hashed. A
 * browser-lane id is an HMAC that says nothing, and it is spelled out: SES reports a bounce or a
 * complaint by address and Message-ID, and the id is how that report finds its lane (the browser
 * lane's bounces pause only the browser lane, lambda/ses-feedback.ts).
 */
export function reminderCartKey(cartId: string): string {
  if (SPELLED_OUT.test(cartId)) return cartId;
  return createHash('sha256').update(cartId, 'utf8').digest('hex').slice(0, 16);
}

/**
 * `<cr.KEY.sSEQ.STEP@domain>`: stable for one cart, sequence and step, so a resend is
 * recognisable and the outbox can tell whether this very message left. SEQ is when the sequence
 * began (the cart's abandonedAt, base 36): a cart that expired and came back starts a new
 * sequence, and its step 1 must not share a Message-ID with the old sequence's step 1 (claim
 * recovery would take the old file for the new send). Without a sequence start (a cart never
 * claimed) the id has no SEQ part, as ids did before sequences were told apart.
 */
export function reminderMessageId(
  cartId: string,
  step: number,
  domain: string,
  sequenceStart: number | null = null,
): string {
  const sequence = sequenceStart === null ? '' : `.s${Math.max(0, sequenceStart).toString(36)}`;
  return `<cr.${reminderCartKey(cartId)}${sequence}.${step}@${domain}>`;
}

const REMINDER_ID = /^<?cr\.([A-Za-z0-9_-]{1,68})(?:\.s([0-9a-z]{1,12}))?\.(\d{1,6})@[^>]*>?$/;

/** The cart key (reminderCartKey) and step a reminder's Message-ID names, or null. */
export function parseReminderMessageId(
  messageId: string,
): { readonly cartKey: string; readonly step: number } | null {
  const match = REMINDER_ID.exec(messageId.trim());
  if (match === null || match[1] === undefined) return null;
  return { cartKey: match[1], step: Number(match[3]) };
}

/** The browser-lane cart a reminder's Message-ID names, or null (another lane's, or not ours). */
export function browserCartOfMessageId(messageId: string): string | null {
  const key = parseReminderMessageId(messageId)?.cartKey ?? null;
  return key !== null && SPELLED_OUT.test(key) ? key : null;
}

function requireHttpUrl(raw: string, what: string): string {
  const url = safeHttpUrl(raw);
  if (url === '') throw new ReminderCopyError(`${what} link must be an http(s) URL, got "${raw}"`);
  return url;
}

function pickTemplates(templates: Templates, step: number, saved: boolean): TemplateSet {
  const last = templates.steps.length;
  const chosen = templates.steps[Math.min(step, last) - 1];
  if (chosen === undefined) throw new ReminderCopyError('no reminder templates are loaded');
  return saved ? chosen.saved : chosen.abandoned;
}

/** What the templates can use; README.md in templates/ lists the same names for the owner. */
export function reminderView(input: ReminderInput): Record<string, unknown> {
  const { cart, step, store } = input;
  const money = (minor: number): string => formatMoney(minor, cart.currency);
  const items = cart.items.map((item) => ({
    name: cleanText(item.name),
    sku: cleanText(item.sku, 64),
    quantity: item.quantity,
    price: money(item.priceMinor),
    lineTotal: money(item.priceMinor * item.quantity),
    url: safeHttpUrl(item.url),
    imageUrl: safeHttpUrl(item.imageUrl),
  }));
  const addressLines = store.address
    .split(/\r\n|\r|\n/)
    .map((line) => cleanText(line))
    .filter((line) => line !== '')
    .map((line) => ({ line }));
  return {
    step,
    savedLink: cart.savedLink,
    items,
    itemCount: cart.items.reduce((sum, item) => sum + item.quantity, 0),
    total: money(cart.totalMinor),
    cartUrl: requireHttpUrl(input.links.cart, 'cart'),
    unsubscribeUrl: requireHttpUrl(input.links.unsubscribe, 'unsubscribe'),
    storeName: cleanText(store.name),
    storeAddress: addressLines.map((a) => a.line).join(', '),
    storeAddressLines: addressLines,
  };
}

export function buildReminder(input: ReminderInput): OutgoingEmail {
  const { cart, step } = input;
  if (!Number.isSafeInteger(step) || step < 1) {
    throw new ReminderCopyError(`reminder step must be a positive integer, got ${step}`);
  }
  if (cart.email === null) throw new ReminderCopyError(`cart ${cart.id} has no email address`);
  if (/[\r\n]/.test(input.from)) throw new ReminderCopyError('from address contains a line break');
  if (!/^[A-Za-z0-9.-]+$/.test(input.messageIdDomain)) {
    throw new ReminderCopyError(`"${input.messageIdDomain}" is not a usable Message-ID domain`);
  }
  const view = reminderView(input);
  const set = pickTemplates(input.templates, step, cart.savedLink);
  const unsubscribeUrl = view.unsubscribeUrl as string;
  return {
    to: cart.email,
    from: input.from,
    subject: cleanText(renderTemplate(set.subject, view, 'text'), MAX_SUBJECT),
    text: renderTemplate(set.text, view, 'text'),
    html: renderTemplate(set.html, view, 'html'),
    headers: {
      // WHATWG URL serialisation never contains spaces, CR, LF or '>', so this stays one header.
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    messageId: reminderMessageId(cart.id, step, input.messageIdDomain, cart.abandonedAt),
  };
}
