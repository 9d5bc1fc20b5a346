/**
 * One suite for every Mailer: what arrives must be what the reminder builder meant to send.
 * `received()` returns the messages the far side got, parsed back from raw MIME.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { loadTemplates } from '../../src/adapters/templates/templates-loader.ts';
import { buildReminder } from '../../src/domain/copy.ts';
import { endsStep, type Mailer, type OutgoingEmail } from '../../src/ports/mailer.ts';
import { makeCart } from '../support/cart-fixtures.ts';
import { type ContractSkip, contractTest } from './contract-skip.ts';
import type { ParsedMessage } from './mime-parse.ts';

export type { ParsedMessage } from './mime-parse.ts';

export interface MailerHarness {
  readonly mailer: Mailer;
  received(): Promise<ParsedMessage[]>;
  close(): Promise<void>;
}

export interface MailerContractOptions {
  readonly name: string;
  make(): Promise<MailerHarness>;
  /** Tests this mailer cannot pass, each with the reason (printed, shown as skipped). */
  readonly skip?: readonly ContractSkip[];
}

const templates = loadTemplates(fileURLToPath(new URL('../../templates', import.meta.url)));

function reminder(overrides: Partial<Parameters<typeof makeCart>[0]> = {}): OutgoingEmail {
  return buildReminder({
    cart: makeCart(overrides),
    step: 1,
    templates,
    links: {
      cart: 'https://shop.test/c?t=abc.def',
      unsubscribe: 'https://shop.test/unsubscribe?t=ghi.jkl',
    },
    store: { name: 'Hazel & Oak', address: '12 Rue de la Paix, 75002 Paris' },
    from: 'Hazel & Oak <hello@hazel.test>',
    messageIdDomain: 'hazel.test',
  });
}

/** Both sides with \n line ends and no trailing blank lines: transports may add one. */
function same(text: string | null): string {
  return (text ?? '').replace(/\r\n/g, '\n').replace(/\n+$/, '');
}

export function runMailerContract({ name, make, skip }: MailerContractOptions): void {
  describe(`Mailer contract: ${name}`, () => {
    const it = contractTest(`Mailer contract: ${name}`, skip);
    let harness: MailerHarness;
    beforeEach(async () => {
      harness = await make();
    });
    afterEach(async () => {
      await harness.close();
    });

    async function onlyMessage(): Promise<ParsedMessage> {
      const messages = await harness.received();
      expect(messages).toHaveLength(1);
      const [message] = messages;
      if (!message) throw new Error('no message received');
      return message;
    }

    it('delivers both parts, the addresses and the subject intact', async () => {
      const email = reminder();
      const sent = await harness.mailer.send(email);
      expect(sent.receipt).not.toBe('');
      const got = await onlyMessage();
      expect(got.subject).toBe(email.subject);
      expect(same(got.text)).toBe(same(email.text));
      expect(same(got.html)).toBe(same(email.html));
      expect(got.to).toContain('sam@example.com');
      expect(got.from).toContain('hello@hazel.test');
      expect(got.headers.get('content-type')?.[0]).toMatch(/^multipart\/alternative/);
    });

    it('keeps the RFC 8058 unsubscribe headers and the Message-ID', async () => {
      const email = reminder();
      await harness.mailer.send(email);
      const got = await onlyMessage();
      expect(got.headers.get('list-unsubscribe')).toEqual([
        '<https://shop.test/unsubscribe?t=ghi.jkl>',
      ]);
      expect(got.headers.get('list-unsubscribe-post')).toEqual(['List-Unsubscribe=One-Click']);
      expect(got.messageId).toBe(email.messageId);
    });

    it('carries non-ASCII item names and subjects as UTF-8', async () => {
      const name = 'Crème brûlée für Zoë, 東京 🍮';
      const base = reminder({
        items: [{ sku: 'CB', name, quantity: 1, priceMinor: 900, url: null, imageUrl: null }],
      });
      const email = { ...base, subject: `${name}: still saving these?` };
      await harness.mailer.send(email);
      const got = await onlyMessage();
      expect(got.subject).toBe(email.subject);
      expect(got.text).toContain(name);
      expect(got.html).toContain(name);
    });

    it('never lets a hostile subject add a header or a recipient', async () => {
      const email = {
        ...reminder(),
        subject:
          'Hello\r\nBcc: evil@attacker.test\r\nX-Injected: yes\nReply-To: evil@attacker.test',
      };
      await harness.mailer.send(email);
      const got = await onlyMessage();
      expect(got.headers.has('bcc')).toBe(false);
      expect(got.headers.has('x-injected')).toBe(false);
      expect(got.headers.has('reply-to')).toBe(false);
      expect(got.subject).toMatch(/^Hello Bcc: evil@attacker\.test X-Injected: yes/);
      if (got.envelopeTo) expect(got.envelopeTo).toEqual(['sam@example.com']);
    });

    it('refuses a custom header with a line break, or a second recipient, and sends nothing', async () => {
      const base = reminder();
      const broken: OutgoingEmail[] = [
        { ...base, headers: { ...base.headers, 'X-Note': 'a\r\nBcc: evil@attacker.test' } },
        { ...base, to: 'sam@example.com, evil@attacker.test' },
        { ...base, headers: { Bcc: 'evil@attacker.test' } },
      ];
      for (const email of broken) {
        const error = await harness.mailer.send(email).catch((e: unknown) => e);
        expect(error).toMatchObject({
          name: 'MailDeliveryError',
          permanent: true,
          kind: 'invalid',
        });
        // Sending it again would be refused the same way: the waiter must not retry the step.
        expect(endsStep(error)).toBe(true);
      }
      expect(await harness.received()).toEqual([]);
    });

    it('sends each message separately, even with the same Message-ID', async () => {
      const email = reminder();
      await harness.mailer.send(email);
      await harness.mailer.send({ ...email, subject: 'second' });
      const got = await harness.received();
      expect(got.map((m) => m.subject).sort()).toEqual([email.subject, 'second'].sort());
    });
  });
}
