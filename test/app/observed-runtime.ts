/**
 * A full local runtime (SQLite in a temp dir, manual clock) whose log is the real pino adapter
 * writing into memory, so tests read the JSON lines an operator would. The mailer is whatever the
 * test gives: a real SMTP mailer against smtp-server, or the recording one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPinoLog } from '../../src/adapters/pino/pino-log.ts';
import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import type { Mailer } from '../../src/ports/mailer.ts';
import { RT_OWNER, RT_SECRET, recordingMailer } from '../support/runtime.ts';
import { signedRequest } from '../support/signed-event.ts';

export interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

export function openObservedRuntime(
  options: {
    env?: Record<string, string>;
    mailer?: (now: () => number) => Mailer;
    start?: number;
  } = {},
) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cr-obs-'));
  const clock = createManualClock(options.start ?? Date.parse('2026-11-23T10:00:00Z'));
  const raw: string[] = [];
  const log = createPinoLog({
    level: 'info',
    destination: { write: (line: string) => raw.push(line) },
    now: clock.now,
  });
  const recorder = recordingMailer(clock.now);
  const mailer = options.mailer?.(clock.now) ?? recorder;
  const config = parseConfig({
    CR_DATA_DIR: dataDir,
    CR_WEBHOOK_SECRET: RT_SECRET,
    CR_OWNERS: `sam:${RT_OWNER}`,
    CR_QUIET_HOURS: 'off',
    CR_FREQUENCY_CAP: 'off',
    ...options.env,
  });
  const runtime = openLocalRuntime(config, { clock, mailer, log });
  return {
    ...runtime,
    clock,
    recorder,
    /** Every line written so far, as raw text (to search for what must never be there). */
    raw,
    lines: (): LogLine[] => raw.map((line) => JSON.parse(line) as LogLine),
    async post(event: Record<string, unknown>, secret = RT_SECRET) {
      const body = JSON.stringify(event);
      return runtime.app.request('/events', signedRequest(secret, body, clock.now()));
    },
    /** Moves the clock forward in steps, running due wake-ups at each step, as the loop would. */
    async advance(ms: number, stepMs = 60_000) {
      const end = clock.now() + ms;
      while (clock.now() < end) {
        clock.set(Math.min(end, clock.now() + stepMs));
        await runtime.loop.drain();
      }
    },
    async shutdown() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
