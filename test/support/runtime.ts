/** A full local runtime on a temp dir with a manual clock and a recording mailer. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { Mailer, OutgoingEmail } from '../../src/ports/mailer.ts';
import { signedRequest } from './signed-event.ts';

export const RT_SECRET = 'whsec_runtime_test_0123456789';
export const RT_OWNER = 'own_runtime_test_0123456789';

export interface RecordingMailer extends Mailer {
  readonly sent: Array<OutgoingEmail & { sentAt: number }>;
  /** When set, the next sends throw this. */
  failWith: Error | null;
}

export function recordingMailer(now: () => number): RecordingMailer {
  const mailer: RecordingMailer = {
    sent: [],
    failWith: null,
    async send(email) {
      if (mailer.failWith) throw mailer.failWith;
      mailer.sent.push({ ...email, sentAt: now() });
      return { receipt: `recorded-${mailer.sent.length}` };
    },
  };
  return mailer;
}

export function openTestRuntime(
  env: Record<string, string> = {},
  start = Date.parse('2026-11-23T10:00:00Z'),
  dir?: string,
) {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 'cr-rt-'));
  const clock = createManualClock(start);
  const mailer = recordingMailer(clock.now);
  const config = parseConfig({
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: RT_SECRET,
    CR_OWNERS: `sam:${RT_OWNER}`,
    CR_QUIET_HOURS: 'off',
    CR_FREQUENCY_CAP: 'off',
    ...env,
  });
  const runtime = openLocalRuntime(config, { clock, mailer });
  return {
    ...runtime,
    dataDir,
    clock,
    mailer,
    async post(event: Record<string, unknown>) {
      const body = JSON.stringify(event);
      const res = await runtime.app.request('/events', signedRequest(RT_SECRET, body, clock.now()));
      if (res.status !== 200)
        throw new Error(`POST /events answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as { cart: { id: string; status: string }; duplicate: boolean };
    },
    /** Moves the clock forward in steps, running due wake-ups at each step, as the loop would. */
    async advance(ms: number, stepMs = 60_000) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        clock.set(Math.min(end, clock.now() + stepMs));
        await runtime.loop.drain();
      }
    },
    async shutdown(remove = true) {
      await runtime.close();
      if (remove && dir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
