/**
 * The drain keeps its workers busy across batches: a slow wake-up does not hold back the next
 * claim (so one group's disk work overlaps another's CPU work), and a claim that fails mid-drain
 * fails the drain only after the wake-ups already running have finished.
 */
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../ports/clock.ts';
import type { DueIndex } from '../../ports/due-index.ts';
import { createTimerLoop } from './timer-loop.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');

/** Due ids handed out in order, `limit` at a time; `failAfter` claims, the next one throws. */
function queueStore(ids: readonly string[], failAfter = Number.POSITIVE_INFINITY) {
  const left = [...ids];
  let claims = 0;
  const store: DueIndex = {
    async claimDue(_now, limit) {
      claims += 1;
      if (claims > failAfter) throw new Error('SQLITE_FULL: database or disk is full');
      return left.splice(0, limit);
    },
    async nextDueAt() {
      return null;
    },
  };
  return store;
}

function held() {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

describe('timer loop drain across batches', () => {
  it('claims and runs the next batch while a wake-up of the previous one is still running', async () => {
    const slow = held();
    const ran: string[] = [];
    const loop = createTimerLoop({
      store: queueStore(['a', 'b', 'c', 'd', 'e', 'f']),
      clock: createManualClock(T0),
      batchSize: 2,
      concurrency: 2,
      onWake: async (id) => {
        if (id === 'a') await slow.promise;
        ran.push(id);
      },
    });
    const draining = loop.drain();
    // Turns of the event loop, no clock: the free worker goes through every later batch.
    for (let turn = 0; turn < 20 && ran.length < 5; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(ran).toEqual(['b', 'c', 'd', 'e', 'f']);
    slow.release();
    expect(await draining).toBe(6);
    expect(ran.at(-1)).toBe('a');
  });

  it('a claim failing mid-drain fails the drain, after the wake-ups in flight have finished', async () => {
    const slow = held();
    const finished: string[] = [];
    const loop = createTimerLoop({
      store: queueStore(['a', 'b', 'c'], 1),
      clock: createManualClock(T0),
      batchSize: 2,
      concurrency: 2,
      onWake: async (id) => {
        if (id === 'a') await slow.promise;
        finished.push(id);
      },
    });
    let settled = false;
    const draining = loop.drain().finally(() => {
      settled = true;
    });
    draining.catch(() => undefined);
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    // 'b' is done and the second claim has failed, but 'a' is still mid-wake.
    expect(finished).toEqual(['b']);
    expect(settled).toBe(false);
    slow.release();
    await expect(draining).rejects.toThrow('SQLITE_FULL');
    expect(finished).toEqual(['b', 'a']);
  });
});
