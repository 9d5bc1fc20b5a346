/**
 * Red team: random storefront-snippet traffic from many clients (IPv4, IPv6 networks, clients
 * behind the store's proxy, strangers forging X-Forwarded-For), honest browsers and attackers
 * mixed, with attacker-chosen fields (addresses, link hosts, store cart ids, consent, a forged or
 * missing Origin, a wrong key, no token, fresh tokens, other browsers' stolen tokens), while the
 * waiter runs on the manual clock. Whatever the traffic, the store
 *
 * - never mails a link off its hosts (every link in every reminder, and where each cart link
 *   sends the shopper);
 * - never mails more new addresses a day than CR_SNIPPET_DAILY_CAP;
 * - never changes where an already-sent link points, nor who an already-mailed cart's reminders
 *   go to.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay } from '../../src/domain/calendar.ts';
import { browserCartOfMessageId } from '../../src/domain/copy.ts';
import {
  cartLinkTarget,
  linksIn,
  openSnippetRuntime,
  postSnippet,
  SNIPPET_KEY,
} from '../support/snippet.ts';

const H = 3_600_000;
const CAP = 3;
const STORE_HOSTS = ['shop.example', 'www.shop.example'];
const PUBLIC_ORIGIN = 'http://localhost:8787';
const RUNS = process.env.CR_SOAK ? 300 : 40;

/** Link hosts near the edge of the rule: the store, its sibling, look-alikes, wrong scheme or port. */
const linkArb = fc
  .tuple(
    fc.constantFrom(
      'https://shop.example',
      'https://shop.example',
      'https://www.shop.example',
      'http://shop.example',
      'https://evil.example',
      'https://shop.example.evil.example',
      'https://shop.example@evil.example',
      'https://shop.example:8443',
      'https://SHOP.example',
    ),
    fc.constantFrom('/cart/1', '/cart/2', '/p/mug', '/i/pixel.gif', '/'),
  )
  .map(([host, path]) => `${host}${path}`);

/** Few enough addresses that the cap bites; victims, shoppers and the attacker's own. */
const emailArb = fc.constantFrom(
  'sam@example.com',
  'kim@example.com',
  'lee@example.com',
  'ana@example.com',
  'bo@example.com',
  'victim1@example.net',
  'victim2@example.net',
  'attacker@evil.example',
);

/** Where a request comes from, as the server's peer address and any X-Forwarded-For. */
const clientArb = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((i) => ({ ip: `198.51.100.${i}` })),
  // Three /64 networks, each handing out many addresses.
  fc
    .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 0xffff }))
    .map(([net, host]) => ({ ip: `2001:db8:0:${net}::${host.toString(16)}` })),
  // Behind the store's proxy (CR_TRUST_PROXY=10.0.0.0/8): the proxy appends the real client.
  fc
    .tuple(
      fc.array(fc.constantFrom('203.0.113.5', '1.1.1.1', 'garbage', '2001:db8::1'), {
        maxLength: 2,
      }),
      fc.constantFrom('203.0.113.7', '203.0.113.8', '2001:db8:9:9::1'),
    )
    .map(([claimed, real]) => ({ ip: '10.0.0.2', forwardedFor: [...claimed, real].join(', ') })),
  // A stranger forging the header, not through the proxy: believed never.
  fc
    .tuple(fc.integer({ min: 1, max: 3 }), fc.ipV4())
    .map(([i, forged]) => ({ ip: `192.0.2.${i}`, forwardedFor: forged })),
);

const tokenArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('browser'), n: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stolen'), n: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc
      .stringMatching(/^[A-Za-z0-9_-]{22,40}$/)
      .map((value) => ({ kind: 'fresh' as const, value })),
  },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'none' as const }, { kind: 'short' as const }) },
);

const itemArb = fc.record({
  url: fc.option(linkArb, { freq: 2 }),
  imageUrl: fc.option(linkArb, { freq: 2 }),
});

/** Anything a stranger can put in a request. */
const attackArb = fc.record({
  do: fc.constant('post' as const),
  token: tokenArb,
  hint: fc.constantFrom(undefined, 'c1', 'c2', 'web_c1'),
  email: fc.option(emailArb, { freq: 6 }),
  restoreUrl: fc.option(linkArb, { freq: 6 }),
  items: fc.array(itemArb, { minLength: 1, maxLength: 2 }),
  consent: fc.constantFrom(undefined, true, false),
  origin: fc.constantFrom(
    'https://shop.example',
    'https://shop.example',
    'https://www.shop.example',
    'https://evil.example',
    null,
  ),
  key: fc.constantFrom(SNIPPET_KEY, SNIPPET_KEY, SNIPPET_KEY, 'pk_wrong_0123456789'),
  client: clientArb,
});

/** A shopper's browser on the store: its own token, the store's links, its own network. */
const shopperArb = fc.nat(3).chain((n) =>
  fc.record({
    do: fc.constant('post' as const),
    token: fc.constant({ kind: 'browser' as const, n }),
    hint: fc.constantFrom(undefined, 'c1', 'c2'),
    email: fc.option(emailArb, { freq: 8 }),
    restoreUrl: fc.constantFrom('https://shop.example/cart/1', 'https://www.shop.example/cart/2'),
    items: fc
      .constant([{ url: 'https://shop.example/p/mug' as string | null, imageUrl: null }])
      .map((items) => [...items]),
    consent: fc.constantFrom(undefined, true),
    origin: fc.constant('https://shop.example'),
    key: fc.constant(SNIPPET_KEY),
    client: fc.constant({ ip: `198.18.0.${n + 1}` }),
  }),
);

const postArb = fc.oneof({ weight: 3, arbitrary: shopperArb }, { weight: 2, arbitrary: attackArb });

const advanceArb = fc.record({
  do: fc.constant('advance' as const),
  ms: fc.constantFrom(60_000, 30 * 60_000, 2 * H, 2 * H, 25 * H),
});

const scenarioArb = fc.record({
  requireConsent: fc.boolean(),
  commands: fc.array(fc.oneof({ weight: 3, arbitrary: postArb }, advanceArb), {
    minLength: 5,
    maxLength: 40,
  }),
});

type Post = typeof attackArb extends fc.Arbitrary<infer T> ? T : never;

const browserTokenOf = (n: number) => `browser-${n}-`.padEnd(32, 'x');

function tokenFor(choice: Post['token']): string | undefined {
  switch (choice.kind) {
    case 'browser':
    case 'stolen':
      return browserTokenOf(choice.n);
    case 'fresh':
      return choice.value;
    case 'none':
      return undefined;
    case 'short':
      return 'tooshort';
  }
}

function bodyOf(post: Post): Record<string, unknown> {
  const items = post.items.map((item, i) => ({
    sku: `SKU${i}`,
    name: 'Item',
    quantity: 1,
    price: '10.00',
    ...(item.url === null ? {} : { url: item.url }),
    ...(item.imageUrl === null ? {} : { imageUrl: item.imageUrl }),
  }));
  const cart: Record<string, unknown> = {
    currency: 'EUR',
    total: (10 * items.length).toFixed(2),
    items,
    ...(post.hint === undefined ? {} : { id: post.hint }),
    ...(post.email === null ? {} : { email: post.email }),
    ...(post.restoreUrl === null ? {} : { restoreUrl: post.restoreUrl }),
    ...(post.consent === undefined ? {} : { consent: post.consent }),
  };
  const token = tokenFor(post.token);
  return { key: post.key, ...(token === undefined ? {} : { token }), cart };
}

/** A link a reminder may carry: this service's own (cart, unsubscribe), or https on the store. */
function allowedLink(raw: string): boolean {
  const url = new URL(raw);
  if (url.origin === PUBLIC_ORIGIN) return true;
  return (
    url.protocol === 'https:' &&
    STORE_HOSTS.includes(url.host) &&
    url.username === '' &&
    url.password === ''
  );
}

interface Sent {
  readonly messageId: string;
  readonly to: string;
  readonly cartId: string;
  readonly target: string | null;
  readonly mail: { text: string; html: string };
}

/** What the runs exercised, so a generator that stopped reaching an attack is noticed. */
const seen = { ok: 0, mails: 0, offHost: 0, capped: 0, ignored: 0, secondReminders: 0, refused: 0 };

describe('red team against the snippet lane', () => {
  it('never a link off the store, never past the daily cap, never a re-pointed mailed cart', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ requireConsent, commands }) => {
        const rt = openSnippetRuntime({
          CR_SNIPPET_ORIGINS: 'https://shop.example,https://www.shop.example',
          CR_SNIPPET_DAILY_CAP: String(CAP),
          CR_TRUST_PROXY: '10.0.0.0/8',
          CR_REQUIRE_CONSENT: String(requireConsent),
        });
        const sent: Sent[] = [];
        const firstMailDay = new Map<string, string>();
        try {
          const collect = async () => {
            for (const mail of rt.mailer.sent.slice(sent.length)) {
              const cartId = browserCartOfMessageId(mail.messageId);
              expect(cartId, mail.messageId).not.toBeNull();
              for (const link of linksIn(mail)) expect(allowedLink(link), link).toBe(true);
              const target = await cartLinkTarget(rt, mail);
              if (target !== null) expect(allowedLink(target), target).toBe(true);
              const earlier = sent.filter((s) => s.cartId === cartId);
              for (const before of earlier) {
                // Reminders of a mailed cart go where its first went, with the same link.
                expect(mail.to).toBe(before.to);
                expect(target).toBe(before.target);
              }
              if (!firstMailDay.has(mail.to)) {
                firstMailDay.set(mail.to, localDay(mail.sentAt, 'UTC'));
              }
              sent.push({
                messageId: mail.messageId,
                to: mail.to,
                cartId: cartId ?? '',
                target,
                mail,
              });
            }
            const perDay = new Map<string, number>();
            for (const day of firstMailDay.values()) perDay.set(day, (perDay.get(day) ?? 0) + 1);
            for (const [day, count] of perDay) expect(count, day).toBeLessThanOrEqual(CAP);
          };
          for (const command of commands) {
            if (command.do === 'advance') {
              await rt.advance(command.ms, 10 * 60_000);
              await collect();
              continue;
            }
            const answer = await postSnippet(rt, {
              body: bodyOf(command),
              origin: command.origin,
              ip: command.client.ip,
              ...('forwardedFor' in command.client
                ? { forwardedFor: command.client.forwardedFor }
                : {}),
            });
            expect([200, 400, 401, 403, 429]).toContain(answer.status);
            if (answer.json.details?.some((d) => /host|https/.test(d.problem))) seen.offHost++;
            if (answer.json.ignored !== undefined) seen.ignored++;
            if (answer.status === 401 || answer.status === 403) seen.refused++;
            if (answer.status === 200) seen.ok++;
          }
          // Let every cart run its course.
          await rt.advance(8 * 24 * H, H);
          await collect();
          // And every link already sent still leads where it did when it was sent.
          for (const before of sent) {
            expect(await cartLinkTarget(rt, before.mail)).toBe(before.target);
          }
          seen.mails += sent.length;
          seen.secondReminders += sent.filter((m) => /\.[23]@/.test(m.messageId)).length;
          seen.capped += (
            rt.db
              .prepare("SELECT COUNT(*) AS n FROM audit WHERE reason = 'snippet_daily_cap'")
              .get() as { n: number }
          ).n;
        } finally {
          await rt.shutdown();
        }
      }),
      { numRuns: RUNS },
    );
    // Every attack was tried and every guard had something to do: a generator that stopped
    // reaching one would make this test unable to fail.
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
  });
});
