/**
 * The SES feedback path against the documented notification shapes (test/fixtures/ses), with real
 * adapters: what SES says reaches the never-send list, the audit trail and sender health exactly
 * once, whichever of the two SES formats and whichever SNS wrapping it arrives in.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createSenderHealth, type SenderHealthDeps } from '../../src/app/sender-health.ts';
import { createStops } from '../../src/app/stops.ts';
import { SHOPPER } from '../../src/domain/audit.ts';
import { DEFAULT_POLICY } from '../../src/domain/policy.ts';
import {
  blockedBy,
  parseSesNotification,
  type SesFeedback,
} from '../../src/domain/ses-feedback.ts';
import { applySesFeedback } from '../../src/lambda/ses-feedback.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { lambdaSnsEvent, readFixture, sesFixtureNames, snsEnvelope } from '../fixtures/ses/sns.ts';
import { type StoreBackend, useStoreBackends } from '../support/store-backends.ts';

const bounce = (permanent: boolean, ...emails: string[]): SesFeedback => ({
  kind: 'bounce',
  permanent,
  emails,
});
const complaint = (...emails: string[]): SesFeedback => ({ kind: 'complaint', emails });
const OTHER: SesFeedback = { kind: 'other' };

/** What each fixture means. Every fixture file must be listed, so none goes untested. */
const EXPECTED: Record<string, SesFeedback> = {
  'notification.bounce.permanent.json': bounce(true, 'kim@example.com'),
  'notification.bounce.permanent-no-dsn.json': bounce(
    true,
    'rowan.ash@example.net',
    'lee@example.org',
  ),
  'notification.bounce.suppressed.json': bounce(true, 'ari@example.org'),
  'notification.bounce.transient.json': bounce(false, 'pat@example.net'),
  'notification.bounce.undetermined.json': bounce(false, 'jo@example.com'),
  'notification.complaint.feedback-report.json': complaint('sam@example.com'),
  'notification.complaint.no-report.json': complaint('robin@example.net'),
  'notification.delivery.json': { kind: 'delivery' },
  'event.bounce.permanent.json': bounce(true, 'kim@example.com'),
  'event.bounce.transient.json': bounce(false, 'pat@example.net'),
  'event.complaint.json': complaint('sam@example.com'),
  'event.complaint.suppressed.json': complaint('ari@example.org'),
  'event.delivery.json': { kind: 'delivery' },
  'event.send.json': OTHER,
  'event.reject.json': OTHER,
  'event.open.json': OTHER,
  'event.click.json': OTHER,
  'event.rendering-failure.json': OTHER,
  'event.delivery-delay.json': OTHER,
  'event.subscription.json': OTHER,
};

const BLOCKS: Record<string, ReturnType<typeof blockedBy>> = {
  'notification.bounce.permanent.json': { kind: 'bounced', emails: ['kim@example.com'] },
  'notification.bounce.permanent-no-dsn.json': {
    kind: 'bounced',
    emails: ['rowan.ash@example.net', 'lee@example.org'],
  },
  'notification.bounce.suppressed.json': { kind: 'bounced', emails: ['ari@example.org'] },
  'notification.complaint.feedback-report.json': {
    kind: 'complained',
    emails: ['sam@example.com'],
  },
  'notification.complaint.no-report.json': { kind: 'complained', emails: ['robin@example.net'] },
  'event.bounce.permanent.json': { kind: 'bounced', emails: ['kim@example.com'] },
  'event.complaint.json': { kind: 'complained', emails: ['sam@example.com'] },
  'event.complaint.suppressed.json': { kind: 'complained', emails: ['ari@example.org'] },
};

let messageCounter = 0;
const envelopeOf = (name: string, messageId = `msg-${++messageCounter}`) =>
  snsEnvelope(readFixture(name), { messageId, timestamp: '2026-11-24T08:15:02.114Z' });

describe('the SES fixtures, read by parseSesNotification and blockedBy', () => {
  it('lists every fixture file', () => {
    expect(Object.keys(EXPECTED).toSorted()).toEqual([...sesFixtureNames]);
  });

  it.each(sesFixtureNames)('%s: raw, in an SNS envelope and in a Lambda SNS record', (name) => {
    const message = readFixture(name);
    const envelope = envelopeOf(name);
    const [record] = lambdaSnsEvent(envelope).Records;
    const forms = [
      message,
      JSON.stringify(message),
      envelope,
      JSON.stringify(envelope),
      record?.Sns.Message,
    ];
    for (const form of forms) expect(parseSesNotification(form)).toEqual(EXPECTED[name]);
    expect(blockedBy(parseSesNotification(message))).toEqual(BLOCKS[name] ?? null);
  });

  it('matches the hand-checked envelope files, so the wrapping helper keeps the documented shape', () => {
    expect(envelopeOf('event.complaint.json', '8c3f0b1e-0000-4000-8000-00000000a001')).toEqual(
      readFixture('sns-envelope.event-complaint.json'),
    );
    const lambda = lambdaSnsEvent(
      snsEnvelope(readFixture('notification.complaint.feedback-report.json'), {
        messageId: '8c3f0b1e-0000-4000-8000-00000000a002',
        timestamp: '2026-11-24T08:15:02.500Z',
        subject: 'Amazon SES feedback',
      }),
    );
    expect(lambda).toEqual(readFixture('lambda-sns-event.notification-complaint.json'));
    expect(parseSesNotification(readFixture('sns-envelope.event-complaint.json'))).toEqual(
      complaint('sam@example.com'),
    );
  });
});

type Backend = StoreBackend;
const backends = useStoreBackends();

describe.each(backends)('applySesFeedback on %s, with sender health', (_name, make) => {
  const clock = createManualClock(Date.parse('2026-11-24T08:00:00Z'));
  let backend: Backend;
  let notify: ReturnType<typeof vi.fn<SenderHealthDeps['notify']>>;
  const deps = () => ({ unsubscribes: backend.unsubscribes, clock });
  const health = () =>
    createSenderHealth({
      store: backend.store,
      tallies: backend.tallies,
      clock,
      notify,
      cacheMs: 0,
    });
  const stops = () =>
    createStops({
      store: backend.store,
      unsubscribes: backend.unsubscribes,
      wakeups: { set: async () => {} },
      clock,
      policy: DEFAULT_POLICY,
    });

  beforeEach(async () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    notify = vi.fn<SenderHealthDeps['notify']>(async () => {});
    backend = await make();
    return async () => {
      vi.restoreAllMocks();
      await backend.close();
    };
  });

  it('records and counts a complaint from an address that had unsubscribed, once however often SNS delivers it', async () => {
    const monitor = health();
    // One earlier complaint: under the hold line (2 in 2,000 sends is, 1 is not).
    await applySesFeedback(
      lambdaSnsEvent(envelopeOf('notification.complaint.no-report.json')),
      deps(),
    );
    expect((await monitor.status()).health.verdict).toBe('ok');

    clock.advance(60_000);
    expect(await stops().unsubscribe('sam@example.com', SHOPPER)).toMatchObject({
      kind: 'unsubscribed',
    });
    clock.advance(60_000);
    // Then "Report spam" on the same reminder, written as "Sam Lee <Sam@Example.com>".
    const reportSpam = lambdaSnsEvent(envelopeOf('event.complaint.json', 'sns-complaint-1'));
    expect(await applySesFeedback(reportSpam, deps())).toMatchObject({
      added: [],
      upgraded: ['sam@example.com'],
      already: [],
    });
    expect(await backend.unsubscribes.get('sam@example.com')).toMatchObject({
      kind: 'complained',
      actor: 'system',
    });
    const trail = async () =>
      (await backend.store.auditForEmail('sam@example.com')).map((r) => [r.action, r.actor]);
    expect(await trail()).toEqual([
      ['unsubscribe', 'shopper'],
      ['complained', 'system'],
    ]);
    const status = await monitor.status();
    expect(status).toMatchObject({ complained: 2, health: { verdict: 'hold' } });
    expect(notify).toHaveBeenCalledOnce();

    // SNS redelivers the same message, and SES sends a second report for the same address.
    clock.advance(60_000);
    const again = lambdaSnsEvent(
      envelopeOf('event.complaint.json', 'sns-complaint-1'),
      envelopeOf('notification.complaint.feedback-report.json', 'sns-complaint-2'),
    );
    expect(await applySesFeedback(again, deps())).toMatchObject({
      added: [],
      upgraded: [],
      already: ['sam@example.com', 'sam@example.com'],
    });
    expect(await trail()).toHaveLength(2);
    expect((await monitor.status()).complained).toBe(2);

    // The shopper's own resubscribe link cannot lift what the complaint put there.
    expect(await stops().resubscribe('sam@example.com')).toMatchObject({
      kind: 'not_unsubscribed',
    });
    expect(await backend.unsubscribes.get('sam@example.com')).toMatchObject({
      kind: 'complained',
    });
  });

  it('blocks nothing for a transient or undetermined bounce, a delivery, or an engagement event', async () => {
    const harmless = sesFixtureNames.filter((name) => BLOCKS[name] === undefined);
    expect(harmless).toContain('notification.bounce.transient.json');
    expect(harmless).toContain('event.bounce.transient.json');
    const outcome = await applySesFeedback(
      lambdaSnsEvent(...harmless.map((name) => envelopeOf(name))),
      deps(),
    );
    expect(outcome).toEqual({
      added: [],
      upgraded: [],
      already: [],
      invalid: [],
      ignored: harmless.length,
    });
    for (const email of ['pat@example.net', 'jo@example.com', 'sam@example.com']) {
      expect(await backend.unsubscribes.get(email)).toBeNull();
    }
    expect(await health().status()).toMatchObject({ bounced: 0, complained: 0 });
  });

  it('blocks the bare address of a permanently bounced "Name <addr>" recipient, counted once', async () => {
    const event = lambdaSnsEvent(envelopeOf('notification.bounce.permanent-no-dsn.json', 'sns-b1'));
    expect(await applySesFeedback(event, deps())).toMatchObject({
      added: ['rowan.ash@example.net', 'lee@example.org'],
    });
    expect(await backend.unsubscribes.get('rowan.ash@example.net')).toMatchObject({
      kind: 'bounced',
    });
    expect(await applySesFeedback(event, deps())).toMatchObject({
      added: [],
      already: ['rowan.ash@example.net', 'lee@example.org'],
    });
    expect(await health().status()).toMatchObject({ bounced: 2, complained: 0 });
    expect(
      (await backend.store.auditForEmail('lee@example.org')).map((r) => [r.action, r.detail]),
    ).toEqual([['bounced', { source: 'ses', snsMessageId: 'sns-b1' }]]);
  });
});
