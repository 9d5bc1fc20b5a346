import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createManualClock, type ManualClock } from '../../ports/clock.ts';
import { createTimerLoop, type TimerLoopOptions } from './timer-loop.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const LEASE = 60_000;

/** The store's due-time index, in memory: claim leases, and the waiter's save clears or moves. */
function fakeStore() {
  const due = new Map<string, number>();
  return {
    due,
    async claimDue(now: number, limit: number, leaseMs: number): Promise<string[]> {
      const ids = [...due]
        .filter(([, at]) => at <= now)
        .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([id]) => id);
      for (const id of ids) due.set(id, now + leaseMs);
      return ids;
    },
    async nextDueAt(): Promise<number | null> {
      return due.size === 0 ? null : Math.min(...due.values());
    },
  };
}

function deferred() {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}

/** A waiter that counts how many wake-ups run at once and can be held mid-wake. */
function recordingWaiter(store: ReturnType<typeof fakeStore>) {
  const calls: string[] = [];
  let active = 0;
  let maxActive = 0;
  let gate: Promise<void> | null = null;
  return {
    calls,
    get maxActive() {
      return maxActive;
    },
    hold(promise: Promise<void>) {
      gate = promise;
    },
    async onWake(id: string) {
      calls.push(id);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        if (gate) await gate;
        store.due.delete(id);
      } finally {
        active--;
      }
    },
  };
}

let clock: ManualClock;
let store: ReturnType<typeof fakeStore>;
const errors: Array<[string, unknown]> = [];

function loop(onWake: TimerLoopOptions['onWake'], extra: Partial<TimerLoopOptions> = {}) {
  return createTimerLoop({
    store,
    clock,
    onWake,
    leaseMs: LEASE,
    onError: (id, error) => errors.push([id, error]),
    ...extra,
  });
}

beforeEach(() => {
  clock = createManualClock(T0);
  store = fakeStore();
  errors.length = 0;
});

describe('drain', () => {
  it('runs every due wake-up exactly once, across batches, and nothing early', async () => {
    for (let i = 0; i < 7; i++) store.due.set(`c${i}`, T0 - i * 1000);
    store.due.set('later', T0 + 1);
    const waiter = recordingWaiter(store);
    const handled = await loop(waiter.onWake, { batchSize: 2 }).drain();
    expect(handled).toBe(7);
    expect([...waiter.calls].sort()).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    expect([...store.due.keys()]).toEqual(['later']);
  });

  it('runs a wake-up that is due exactly now', async () => {
    store.due.set('c1', T0);
    const waiter = recordingWaiter(store);
    expect(await loop(waiter.onWake).drain()).toBe(1);
  });

  it('returns 0 when nothing is due', async () => {
    store.due.set('c1', T0 + 1000);
    expect(await loop(async () => {}).drain()).toBe(0);
  });

  it('a failing wake-up keeps its lease: reported, not re-run in the same drain, retried after', async () => {
    store.due.set('bad', T0);
    store.due.set('good', T0);
    const calls: string[] = [];
    const boom = new Error('smtp down');
    const onWake = async (id: string) => {
      calls.push(id);
      if (id === 'bad') throw boom;
      store.due.delete(id);
    };
    const timer = loop(onWake, { batchSize: 1 });
    expect(await timer.drain()).toBe(2);
    expect(calls.sort()).toEqual(['bad', 'good']);
    expect(errors).toEqual([['bad', boom]]);
    expect(store.due.get('bad')).toBe(T0 + LEASE);

    clock.advance(LEASE - 1);
    expect(await timer.drain()).toBe(0);
    clock.advance(1);
    expect(await timer.drain()).toBe(1);
    expect(calls.filter((id) => id === 'bad')).toHaveLength(2);
  });
});

describe('the running loop', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs due wake-ups on its own once started', async () => {
    store.due.set('c1', T0);
    const waiter = recordingWaiter(store);
    const timer = loop(waiter.onWake);
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.calls).toEqual(['c1']);
    await timer.stop();
  });

  it('stop() waits for the wake-up in flight', async () => {
    store.due.set('c1', T0);
    const waiter = recordingWaiter(store);
    const held = deferred();
    waiter.hold(held.promise);
    const timer = loop(waiter.onWake);
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.calls).toEqual(['c1']);

    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    held.release();
    await stopping;
    expect(stopped).toBe(true);
    expect(store.due.has('c1')).toBe(false);
  });

  it('stop() claims nothing more, even with a backlog', async () => {
    for (const id of ['c1', 'c2', 'c3']) store.due.set(id, T0);
    const waiter = recordingWaiter(store);
    const held = deferred();
    waiter.hold(held.promise);
    const timer = loop(waiter.onWake, { batchSize: 1, concurrency: 1 });
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    const stopping = timer.stop();
    held.release();
    await stopping;
    expect(waiter.calls).toEqual(['c1']);
    // The backlog is left due (not leased) for the next start.
    expect(store.due.get('c2')).toBe(T0);
    expect(store.due.get('c3')).toBe(T0);
  });

  it('poke() during a drain starts no second drain, and what it announced runs after', async () => {
    store.due.set('c1', T0);
    const waiter = recordingWaiter(store);
    const held = deferred();
    waiter.hold(held.promise);
    const timer = loop(waiter.onWake, { batchSize: 1, concurrency: 1 });
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.calls).toEqual(['c1']);

    // Something is armed mid-drain, and the loop is poked about it, several times.
    store.due.set('c2', T0);
    for (let i = 0; i < 3; i++) {
      timer.poke();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(waiter.calls).toEqual(['c1']);
    held.release();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.calls).toEqual(['c1', 'c2']);
    expect(waiter.maxActive).toBe(1);
    await timer.stop();
  });

  it('poke(at) looks again at an earlier time, and ignores later ones and null', async () => {
    const waiter = recordingWaiter(store);
    const timer = loop(waiter.onWake, { pollMs: 10_000 });
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    store.due.set('soon', T0 + 50);
    timer.poke(T0 + 50);
    timer.poke(T0 + 5_000);
    timer.poke(null);
    clock.advance(50);
    await vi.advanceTimersByTimeAsync(50);
    expect(waiter.calls).toEqual(['soon']);
    await timer.stop();
  });

  it('wakes when a future wake-up falls due as time passes', async () => {
    store.due.set('c1', T0 + 500);
    const waiter = recordingWaiter(store);
    const timer = loop(waiter.onWake, { pollMs: 100 });
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.calls).toEqual([]);
    clock.advance(500);
    await vi.advanceTimersByTimeAsync(100);
    expect(waiter.calls).toEqual(['c1']);
    await timer.stop();
  });

  it('backs off, doubling, while prepare or claiming fails (a full disk), then runs as usual', async () => {
    store.due.set('c1', T0);
    const waiter = recordingWaiter(store);
    let full = true;
    let prepared = 0;
    const retries: number[] = [];
    const timer = loop(waiter.onWake, {
      pollMs: 100,
      maxBackoffMs: 1_000,
      prepare: () => {
        if (full)
          throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
        prepared++;
      },
      onLoopError: (_error, retryInMs) => retries.push(retryInMs),
    });
    timer.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(200);
    await vi.advanceTimersByTimeAsync(400);
    await vi.advanceTimersByTimeAsync(800);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(retries).toEqual([200, 400, 800, 1_000, 1_000]);
    expect(waiter.calls).toEqual([]);
    full = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(prepared).toBe(1);
    expect(waiter.calls).toEqual(['c1']);
    // Prepared once only, and back to the normal cadence.
    await vi.advanceTimersByTimeAsync(500);
    expect(prepared).toBe(1);
    expect(retries).toHaveLength(5);
    await timer.stop();
  });
});
