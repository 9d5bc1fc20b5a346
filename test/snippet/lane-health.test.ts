/**
 * SES reports bounces and complaints by address, hours after the send. A report about a
 * browser-lane reminder finds its cart by the reminder's Message-ID and counts for the browser
 * lane alone; one that names no browser cart counts for every lane, as before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { reminderMessageId } from '../../src/domain/copy.ts';
import { applySesFeedback, browserCartOfFeedback } from '../../src/lambda/ses-feedback.ts';
import { lambdaSnsEvent, readFixture, snsEnvelope } from '../fixtures/ses/sns.ts';
import { cartEvent } from '../support/signed-event.ts';
import {
  browserToken,
  SNIPPET_KEY as KEY,
  openSnippetRuntime,
  postSnippet,
  shopCart,
  type TestRuntime,
} from '../support/snippet.ts';

const H = 3_600_000;
let rt: TestRuntime;
afterEach(async () => rt?.shutdown());

/** SES's permanent-bounce event for `email`, about the message `messageId`. */
function sesBounce(email: string, messageId: string, n: number) {
  const event = readFixture('event.bounce.permanent.json') as {
    bounce: { bouncedRecipients: Array<{ emailAddress: string }> };
    mail: { commonHeaders: { messageId: string }; destination: string[] };
  };
  event.bounce.bouncedRecipients = [{ ...event.bounce.bouncedRecipients[0], emailAddress: email }];
  event.mail.destination = [email];
  event.mail.commonHeaders = { ...event.mail.commonHeaders, messageId };
  return lambdaSnsEvent(
    snsEnvelope(event, { messageId: `sns-${n}`, timestamp: '2026-11-23T12:00:00.000Z' }),
  );
}

describe('SES feedback, lane by lane', () => {
  it("reads the browser cart out of a reminder's Message-ID, in either SES format and wrapping", () => {
    const id = `web_${'A'.repeat(32)}`;
    const messageId = reminderMessageId(id, 2, 'localhost');
    expect(messageId).toBe(`<cr.${id}.2@localhost>`);
    const record = sesBounce('a@example.com', messageId, 1).Records[0];
    expect(browserCartOfFeedback(record?.Sns.Message)).toBe(id);
    expect(
      browserCartOfFeedback(
        JSON.stringify(
          snsEnvelope(JSON.parse(record?.Sns.Message ?? ''), { messageId: 'x', timestamp: 't' }),
        ),
      ),
    ).toBe(id);
    // A store's own cart id is hashed in its Message-ID: no lane claims that feedback.
    expect(reminderMessageId('c_42', 1, 'localhost')).toMatch(/^<cr\.[0-9a-f]{16}\.1@localhost>$/);
    const signed = sesBounce('b@example.com', reminderMessageId('c_42', 1, 'localhost'), 2);
    expect(browserCartOfFeedback(signed.Records[0]?.Sns.Message)).toBeNull();
    expect(browserCartOfFeedback('not json')).toBeNull();
  });

  it('ten SES bounces of snippet reminders hold the snippet only; the store webhook keeps sending', async () => {
    rt = openSnippetRuntime();
    for (let i = 0; i < 10; i++) {
      await postSnippet(rt, {
        ip: `198.51.100.${i}`,
        body: {
          key: KEY,
          token: browserToken(),
          cart: shopCart({ email: `dead${i}@example.com` }),
        },
      });
    }
    await rt.advance(H + 5 * 60_000);
    expect(rt.mailer.sent).toHaveLength(10);
    for (const [n, mail] of rt.mailer.sent.entries()) {
      const outcome = await applySesFeedback(sesBounce(mail.to, mail.messageId, n), {
        unsubscribes: rt.unsubscribes,
        clock: rt.clock,
      });
      expect(outcome.added).toEqual([mail.to]);
    }
    // Each bounce is on its cart's own timeline.
    const cartOf = (to: string) =>
      (
        rt.db
          .prepare("SELECT cart_id FROM audit WHERE action = 'bounced' AND email = ?")
          .get(to) as {
          cart_id: string | null;
        }
      ).cart_id;
    expect(cartOf('dead0@example.com')).toMatch(/^web_/);

    await rt.advance(10 * 60_000);
    const now = new Date(rt.clock.now()).toISOString();
    await rt.post(cartEvent({ occurredAt: now, cart: { id: 'real', email: 'real@example.com' } }));
    await postSnippet(rt, {
      ip: '198.51.100.77',
      body: { key: KEY, token: browserToken(), cart: shopCart({ email: 'web@example.com' }) },
    });
    await rt.advance(2 * H);
    const to = rt.mailer.sent.map((m) => m.to);
    expect(to).toContain('real@example.com');
    expect(to).not.toContain('web@example.com');
    const status = await rt.senderHealth.status();
    expect(status).toMatchObject({ bounced: 0, health: { verdict: 'ok' } });
    expect(status.browserLane).toMatchObject({
      sent: 10,
      bounced: 10,
      health: { verdict: 'hold' },
    });
    const audit = rt.db.prepare("SELECT action FROM audit WHERE action LIKE '%_paused'").all();
    expect(audit).toEqual([{ action: 'snippet_paused' }]);
  });

  it('bounces no lane claims still count for every lane, as before', async () => {
    rt = openSnippetRuntime();
    for (let i = 0; i < 10; i++) {
      await applySesFeedback(
        sesBounce(`gone${i}@example.com`, '<0100-ses-own-id@email.amazonses.com>', i),
        {
          unsubscribes: rt.unsubscribes,
          clock: rt.clock,
        },
      );
    }
    const now = new Date(rt.clock.now()).toISOString();
    await rt.post(cartEvent({ occurredAt: now, cart: { id: 'real', email: 'real@example.com' } }));
    await rt.advance(2 * H);
    expect(rt.mailer.sent.map((m) => m.to)).not.toContain('real@example.com');
    const held = (await rt.store.auditFor('real')).filter((r) => r.action === 'reminder_held');
    expect(held.map((r) => r.reason)).toContain('sender_health');
  });
});
