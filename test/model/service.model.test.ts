/**
 * Model-based test of the whole local service (SPEC sections 1-4): random sequences of store
 * events, duplicates, late and out-of-order deliveries, checkouts, clock jumps, timer drains,
 * duplicate and concurrent wakes, owner stops, one-click unsubscribes and restarts, against the
 * real runtime on a temp dir. The promises are checked after every command (see invariants.ts).
 * `CR_SOAK=1` raises the number of runs from 1,000 to 20,000.
 */
import { rmSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { commands } from './commands.ts';
import { emptyModel } from './model.ts';
import { ModelSystem, makeParentDir } from './system.ts';

const SOAK = process.env.CR_SOAK === '1';
const RUNS = SOAK ? 20_000 : 1_000;
const parent = makeParentDir();
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const setup = fc.record({
  quietZone: fc.option(
    fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'),
    { freq: 2 },
  ),
  frequencyCap: fc.boolean(),
  // Any minute of a year, so quiet hours and DST edges are met at every hour of the day.
  start: fc.integer({ min: 0, max: 365 * 24 * 60 }).map((m) => Date.UTC(2026, 0, 1) + m * 60_000),
});

describe('the local service against its model', () => {
  it(`keeps every promise over ${RUNS} random histories`, {
    timeout: SOAK ? 0 : 300_000,
  }, async () => {
    await fc.assert(
      fc.asyncProperty(
        setup,
        fc.commands(commands, { maxCommands: 20, size: 'max' }),
        async (options, cmds) => {
          const real = new ModelSystem(parent, options);
          try {
            await fc.asyncModelRun(() => ({ model: emptyModel(), real }), cmds);
          } finally {
            await real.dispose();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
