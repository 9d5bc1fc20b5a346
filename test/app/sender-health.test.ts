import { afterEach, describe, expect, it } from 'vitest';
import { BlockKind } from '../../src/domain/address.ts';
import { MailDeliveryError } from '../../src/ports/mailer.ts';
import { openTestRuntime, RT_OWNER } from '../support/runtime.ts';
import { cartEvent } from '../support/signed-event.ts';

const H = 3_600_000;
let rt: ReturnType<typeof openTestRuntime>;
afterEach(async () => rt?.shutdown());

describe('hard bounces and sender health', () => {
  it('a permanent rejection puts the address on the never-send list as bounced', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent());
    rt.mailer.failWith = new MailDeliveryError('550 no such user', {
      permanent: true,
      kind: 'rejected',
      responseCode: 550,
    });
    await rt.advance(H + 60_000);
    expect(await rt.unsubscribes.get('sam@example.com')).toMatchObject({
      kind: 'bounced',
      actor: 'system',
    });
    rt.mailer.failWith = null;
    await rt.advance(8 * 24 * H, H);
    expect(rt.mailer.sent).toHaveLength(0);
  });

  it('a temporary failure does not block the address', async () => {
    rt = openTestRuntime();
    await rt.post(cartEvent());
    rt.mailer.failWith = new MailDeliveryError('451 try later', {
      permanent: false,
      kind: 'rejected',
      responseCode: 451,
    });
    await rt.advance(H + 60_000);
    expect(await rt.unsubscribes.get('sam@example.com')).toBeNull();
  });

  it('holds every nudge when bounces near the review rate, tells the owners, and resumes when cleared', async () => {
    rt = openTestRuntime({ CR_REPORT_TO: 'owner@shop.example' });
    // 10 hard bounces with no sends: 10 / max(0, 200) = 5% >= 4%.
    for (let i = 0; i < 10; i++) {
      await rt.unsubscribes.add(
        {
          email: `b${i}@example.com`,
          kind: BlockKind.bounced,
          at: rt.clock.now(),
          actor: 'system',
        },
        {
          cartId: null,
          email: `b${i}@example.com`,
          action: 'bounced',
          actor: 'system',
          at: rt.clock.now(),
          reason: null,
          detail: null,
          before: null,
          after: null,
        },
      );
    }
    await rt.post(cartEvent({ occurredAt: new Date(rt.clock.now()).toISOString() }));
    await rt.advance(2 * H);
    const toShopper = () => rt.mailer.sent.filter((m) => m.to === 'sam@example.com');
    expect(toShopper()).toHaveLength(0);
    expect(rt.mailer.sent.map((m) => m.to)).toEqual(['owner@shop.example']);
    expect(rt.mailer.sent[0]?.subject).toContain('on hold');
    const held = (await rt.store.auditFor('c_42'))
      .filter((r) => r.action === 'reminder_held')
      .map((r) => r.reason);
    expect(held[0]).toBe('sender_health');

    const res = await rt.app.request('/owner/api/sender-health/clear', {
      method: 'POST',
      headers: { authorization: `Bearer ${RT_OWNER}` },
    });
    expect(((await res.json()) as { health: { verdict: string } }).health.verdict).toBe('ok');
    await rt.advance(2 * H);
    expect(toShopper()).toHaveLength(1);
  });
});
