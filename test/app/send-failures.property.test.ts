/**
 * Whatever a mail server answers, attempt after attempt: step 1 leaves at most once, a failure
 * that ends the step (permanent, not a login) is the last attempt, and a run of failures that do
 * not end it is retried until the step goes. Every failure is one log line and one counter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MailDeliveryError, type MailFailureKind } from '../../src/ports/mailer.ts';
import { cartEvent } from '../support/signed-event.ts';
import { openObservedRuntime } from './observed-runtime.ts';

const H = 3_600_000;
const KINDS: readonly MailFailureKind[] = ['rejected', 'auth', 'unavailable', 'invalid'];

const failure = fc
  .record({
    permanent: fc.boolean(),
    kind: fc.constantFrom(...KINDS),
    code: fc.option(fc.integer({ min: 400, max: 599 }), { nil: null }),
  })
  .map(
    (f) =>
      new MailDeliveryError(`server said ${f.code ?? 'nothing'}`, {
        permanent: f.permanent,
        kind: f.kind,
        responseCode: f.code,
      }),
  );

describe('send failures, any sequence', () => {
  it('at most one send of step 1; nothing after a failure that ends it; otherwise retried until sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(failure, { maxLength: 6 }), async (answers) => {
        let attempts = 0;
        const rt = openObservedRuntime({
          mailer: (now) => ({
            async send(email) {
              const answer = answers[attempts++];
              if (answer !== undefined) throw answer;
              return { receipt: `ok ${email.messageId} at ${now()}` };
            },
          }),
        });
        try {
          await rt.post(cartEvent({ occurredAt: '2026-11-23T10:00:00Z' }));
          // Step 1 at 11:00 and six retries 15 minutes apart all fit before step 2 (24 h).
          await rt.advance(4 * H, 5 * 60_000);
          // The rule, stated apart from the code: permanent ends the step, except a refused login.
          const ending = answers.findIndex((a) => a.permanent && a.kind !== 'auth');
          const expectedAttempts = ending === -1 ? answers.length + 1 : ending + 1;
          expect(attempts).toBe(expectedAttempts);
          const sent = (await rt.store.auditFor('c_42')).filter(
            (r) => r.action === 'reminder_sent',
          );
          expect(sent).toHaveLength(ending === -1 ? 1 : 0);
          const failed = rt.lines().filter((l) => l.event === 'reminder.send_failed');
          expect(failed).toHaveLength(expectedAttempts - sent.length);
          const body = await (await rt.metrics.exposition()).body;
          const counted = [...body.matchAll(/^cart_recovery_reminders_failed_total\{.*\} (\d+)$/gm)]
            .map((m) => Number(m[1]))
            .reduce((a, b) => a + b, 0);
          expect(counted).toBe(failed.length);
        } finally {
          await rt.shutdown();
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
