/**
 * The waiter's bursts keep the outbox's promise: a send is recorded only after its file and the
 * folder entry are durable. The real runtime (SQLite, timer loop, outbox with writer threads)
 * drains a batch of due carts while the disk refuses some files and some folder flushes. A
 * "durable" file is one that was in place when a folder flush began and that flush succeeded; a
 * power cut at any moment keeps exactly those. Every reminder_sent row must name one of them.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createFileWriters,
  createOutboxMailer,
  type FileWriters,
  OutboxWriteError,
} from '../../src/adapters/outbox/outbox-mailer.ts';
import { parseConfig } from '../../src/app/config.ts';
import { openLocalRuntime } from '../../src/cli/local-runtime.ts';
import { createManualClock } from '../../src/ports/clock.ts';
import { HOUR, makeCart, T0 } from '../support/cart-fixtures.ts';

const NOW = T0 + 2 * HOUR;

/** A disk that fails the files and folder flushes the plan says, and remembers what is durable. */
function faultyDisk(
  dir: string,
  failFile: (n: number) => boolean,
  failFlush: (n: number) => boolean,
) {
  const durable = new Set<string>();
  const real = createFileWriters(3);
  let files = 0;
  let flushes = 0;
  const fileWriters: FileWriters = {
    async write(batch) {
      const plan = batch.map(() => failFile(files++));
      const written = await real.write(batch.filter((_, i) => !plan[i]));
      return plan.map((fails) =>
        fails ? new OutboxWriteError('EIO: i/o error, write', 'EIO') : (written.shift() ?? null),
      );
    },
  };
  const syncDirectory = async () => {
    const present = readdirSync(dir).filter((name) => name.endsWith('.eml'));
    await new Promise((resolve) => setImmediate(resolve));
    if (failFlush(flushes++)) throw new Error('EIO: i/o error, fsync');
    for (const name of present) durable.add(name);
  };
  return { durable, fileWriters, syncDirectory };
}

describe('waiter bursts under a failing disk', () => {
  it('never records a send whose file and folder entry are not durable', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 10 }),
        async (carts, fileFaults, flushFaults) => {
          const root = mkdtempSync(join(tmpdir(), 'cr-burst-order-'));
          const outbox = join(root, 'outbox');
          const disk = faultyDisk(
            outbox,
            (n) => fileFaults[n % fileFaults.length] ?? false,
            (n) => flushFaults[n % flushFaults.length] ?? false,
          );
          const config = parseConfig({
            CR_DATA_DIR: root,
            CR_WEBHOOK_SECRET: 'whsec_burst_order_0123456789',
            CR_OWNERS: 'test:own_burst_order_0123456789',
            CR_QUIET_HOURS: 'off',
          });
          const mailer = createOutboxMailer({ dir: outbox, ...disk });
          const runtime = openLocalRuntime(config, { clock: createManualClock(NOW), mailer });
          try {
            for (let i = 0; i < carts; i++) {
              const cart = makeCart({ id: `c_${i}`, email: `s${i}@example.com`, wakeAt: NOW });
              await runtime.store.save({ cart, expectedVersion: null, audit: [] });
            }
            await runtime.loop.drain();
            const sent = runtime.db
              .prepare<[], { detail: string }>(
                "SELECT detail FROM audit WHERE action = 'reminder_sent'",
              )
              .all()
              .map((row) => basename((JSON.parse(row.detail) as { receipt: string }).receipt));
            for (const name of sent) expect(disk.durable.has(name)).toBe(true);
            // The disk failed only some of the time: the property is not vacuous.
            if (!fileFaults.some(Boolean) && !flushFaults.some(Boolean)) {
              expect(sent).toHaveLength(carts);
            }
          } finally {
            await runtime.close();
            rmSync(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
