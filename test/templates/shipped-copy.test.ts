import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeCart } from '../support/cart-fixtures.ts';
import { loadTemplates } from '../../src/adapters/templates/templates-loader.ts';
import type { CartItem } from '../../src/domain/cart.ts';
import {
  browserCartOfMessageId,
  buildReminder,
  cleanText,
  parseReminderMessageId,
  ReminderCopyError,
  type ReminderInput,
  reminderMessageId,
  safeHttpUrl,
  type Templates,
} from '../../src/domain/copy.ts';
import { compileTemplate } from '../../src/domain/template.ts';

const templates = loadTemplates(fileURLToPath(new URL('../../templates', import.meta.url)));

const CART_LINK = 'https://shop.test/c?t=click.token';
const UNSUB_LINK = 'https://shop.test/unsubscribe?t=unsub.token';

function item(overrides: Partial<CartItem> = {}): CartItem {
  return {
    sku: 'MUG-1',
    name: 'Blue mug',
    quantity: 2,
    priceMinor: 1250,
    url: 'https://shop.example/p/mug',
    imageUrl: 'https://shop.example/i/mug.jpg',
    ...overrides,
  };
}

function input(overrides: Partial<ReminderInput> = {}, cart = makeCart()): ReminderInput {
  return {
    cart,
    step: 1,
    templates,
    links: { cart: CART_LINK, unsubscribe: UNSUB_LINK },
    store: { name: 'Hazel & Oak', address: '12 Rue de la Paix\n75002 Paris' },
    from: 'Hazel & Oak <hello@hazel.test>',
    messageIdDomain: 'hazel.test',
    ...overrides,
  };
}

/** The shipped templates, with a subject that quotes item names (the shipped ones do not). */
function withSubject(source: string): Templates {
  const subject = compileTemplate(source, 'subject.txt');
  return {
    steps: templates.steps.map((s) => ({ abandoned: { ...s.abandoned, subject }, saved: s.saved })),
  };
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '=HYPERLINK("http://evil.test","click")',
  'Mug\r\nBcc: x@y.test',
];

describe('buildReminder: content', () => {
  const cart = makeCart({ items: [item(), item({ sku: 'TEE', name: 'Tee', quantity: 1 })] });
  const email = buildReminder(input({}, { ...cart, totalMinor: 3700 }));

  it('lists every item with quantity and price, and the total, in both parts', () => {
    for (const part of [email.text, email.html]) {
      expect(part).toContain('Blue mug');
      expect(part).toContain('Tee');
      expect(part).toContain('$12.50');
      expect(part).toContain('$37.00');
    }
    expect(email.text).toContain('Blue mug x 2, $12.50 each');
    expect(email.html).toContain('Qty 2');
    expect(email.html).toContain('$25.00'); // line total
  });

  it('links back to the cart and to unsubscribe, and names the store and its address', () => {
    expect(email.text).toContain(CART_LINK);
    expect(email.text).toContain(UNSUB_LINK);
    expect(email.html).toContain(`href="${CART_LINK.replace('=', '&#61;')}"`);
    expect(email.html).toContain(`href="${UNSUB_LINK.replace('=', '&#61;')}"`);
    expect(email.text).toContain('Hazel & Oak, 12 Rue de la Paix, 75002 Paris');
    expect(email.html).toContain('Hazel &amp; Oak');
    expect(email.html).toContain('12 Rue de la Paix<br>');
  });

  it('carries RFC 8058 one-click unsubscribe headers and addresses the shopper', () => {
    expect(email.headers).toEqual({
      'List-Unsubscribe': `<${UNSUB_LINK}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(email.to).toBe('sam@example.com');
    expect(email.from).toBe('Hazel & Oak <hello@hazel.test>');
  });

  it('has a Message-ID stable per cart and step, and different across them', () => {
    const again = buildReminder(input({}, cart));
    expect(again.messageId).toBe(email.messageId);
    expect(email.messageId).toMatch(/^<cr\.[0-9a-f]{16}\.1@hazel\.test>$/);
    expect(buildReminder(input({ step: 2 }, cart)).messageId).not.toBe(email.messageId);
    expect(reminderMessageId('c_other', 1, 'hazel.test')).not.toBe(email.messageId);
  });
});

describe('reminder Message-IDs per sequence', () => {
  const T = Date.parse('2026-11-23T10:00:00Z');
  it('differ between a sequence and the one after a reopen, and stay put within one', () => {
    const first = buildReminder(input({}, makeCart({ abandonedAt: T })));
    const again = buildReminder(input({}, makeCart({ abandonedAt: T })));
    const reopened = buildReminder(input({}, makeCart({ abandonedAt: T + 5 * 3_600_000 })));
    expect(again.messageId).toBe(first.messageId);
    expect(reopened.messageId).not.toBe(first.messageId);
  });

  it('still name their cart and step, for the demo, SES feedback and tests', () => {
    const id = reminderMessageId('web_AbC-d_9', 3, 'shop.test', T);
    expect(parseReminderMessageId(id)).toEqual({ cartKey: 'web_AbC-d_9', step: 3 });
    expect(browserCartOfMessageId(id)).toBe('web_AbC-d_9');
    expect(browserCartOfMessageId(reminderMessageId('c_1', 1, 'shop.test', T))).toBeNull();
    expect(parseReminderMessageId('<other.1@shop.test>')).toBeNull();
  });
});

describe('buildReminder: variants', () => {
  it('says "You left these behind" for an abandoned cart and "Still saving these?" for a saved one', () => {
    const left = buildReminder(input());
    const saved = buildReminder(input({}, makeCart({ savedLink: true })));
    expect(left.subject).toContain('You left these behind');
    expect(left.text).toContain('You left these behind');
    expect(left.html).toContain('You left these behind');
    expect(saved.subject).toContain('Still saving these?');
    expect(saved.html).toContain('Still saving these?');
    expect(saved.text).not.toContain('You left these behind');
  });

  it('uses different copy for steps 2 and 3, and the last step for steps beyond it', () => {
    const subjects = [1, 2, 3].map((step) => buildReminder(input({ step })).subject);
    expect(new Set(subjects).size).toBe(3);
    const fourth = buildReminder(input({ step: 4 }));
    const third = buildReminder(input({ step: 3 }));
    expect(fourth.subject).toBe(third.subject);
    expect(fourth.text).toBe(third.text);
    expect(fourth.messageId).not.toBe(third.messageId);
  });

  it('writes every variant with items, total, cart link, address and unsubscribe link', () => {
    for (const savedLink of [false, true]) {
      for (const step of [1, 2, 3]) {
        const e = buildReminder(input({ step }, makeCart({ savedLink })));
        for (const part of [e.text, e.html]) {
          expect(part).toContain('Linen shirt');
          expect(part).toContain('$84.50');
          expect(part).toContain('75002 Paris');
          expect(part).toContain('unsubscribe?t');
          expect(part).toContain('c?t');
        }
      }
    }
  });
});

describe('buildReminder: hostile shopper input', () => {
  it.each(HOSTILE)('neutralises item name %j in subject, text and html', (name) => {
    const hostile = withSubject('About {{#items}}{{name}}{{/items}}');
    const cart = makeCart({ items: [item({ name, sku: name })] });
    const e = buildReminder(input({ templates: hostile }, cart));
    expect(e.subject).not.toMatch(/[\r\n]/);
    expect(e.html).not.toContain('<script');
    expect(e.html).not.toContain('<img src=x');
    expect(e.html).not.toMatch(/[\r\n]Bcc:/);
    expect(e.text).not.toMatch(/[\r\n]Bcc:/);
    expect(Object.values(e.headers).join('')).not.toMatch(/[\r\n]/);
    // Still shown, as text: the shopper recognises their item.
    expect(e.text).toContain(cleanText(name));
  });

  it('never puts a non-http(s) URL in an href or src', () => {
    const cart = makeCart({
      items: [
        item({ url: 'javascript:alert(1)', imageUrl: 'data:image/svg+xml,<svg onload=alert(1)>' }),
        item({ url: ' JAVASCRIPT:alert(1)', imageUrl: 'vbscript:x' }),
      ],
    });
    const e = buildReminder(input({}, cart));
    const urls = [...e.html.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^https?:/);
    expect(e.html).not.toMatch(/javascript:|data:|vbscript:/i);
  });

  it('keeps the subject to one line whatever the template or item says', () => {
    const hostile = withSubject('Hi\r\n{{#items}}{{name}}{{/items}}\nBcc: a@b');
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (name) => {
        const e = buildReminder(
          input({ templates: hostile }, makeCart({ items: [item({ name })] })),
        );
        expect(e.subject).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
        expect(e.subject.length).toBeLessThanOrEqual(180);
      }),
    );
  });
});

describe('buildReminder: faults', () => {
  it('refuses a cart without email, a bad link, a bad step or an unsafe sender', () => {
    expect(() => buildReminder(input({}, makeCart({ email: null })))).toThrow(ReminderCopyError);
    expect(() =>
      buildReminder(input({ links: { cart: CART_LINK, unsubscribe: 'javascript:x' } })),
    ).toThrow(ReminderCopyError);
    expect(() => buildReminder(input({ step: 0 }))).toThrow(ReminderCopyError);
    expect(() => buildReminder(input({ from: 'a@b.test\r\nBcc: c@d.test' }))).toThrow(
      ReminderCopyError,
    );
    expect(() => buildReminder(input({ messageIdDomain: 'x>\r\n' }))).toThrow(ReminderCopyError);
  });
});

describe('safeHttpUrl', () => {
  it('keeps http(s) and drops everything else', () => {
    expect(safeHttpUrl('https://a.test/p?q=1')).toBe('https://a.test/p?q=1');
    expect(safeHttpUrl('http://a.test')).toBe('http://a.test/');
    for (const bad of [
      'javascript:alert(1)',
      'data:text/html,x',
      '//a.test',
      'ftp://a',
      '',
      null,
    ]) {
      expect(safeHttpUrl(bad)).toBe('');
    }
    expect(safeHttpUrl('https://a.test/"><x')).not.toMatch(/["<>]/);
  });
});
