/**
 * The local timer: one loop over the indexed due-time column. No timer object per cart, so a
 * million open carts cost a B-tree, not a million closures. Claims are leased: if the process dies
 * mid-wake, the cart falls due again after the lease and the waiter (idempotent) runs once more.
 */
import type { Clock } from '../../ports/clock.ts';
import type { DueIndex } from '../../ports/due-index.ts';

export interface TimerLoopOptions {
  readonly store: DueIndex;
  readonly clock: Clock;
  readonly onWake: (cartId: string) => Promise<void>;
  /** How many due carts one claim takes. */
  readonly batchSize?: number;
  /** How long a claimed wake-up stays invisible before it is retried. */
  readonly leaseMs?: number;
  /** Longest sleep between looks, so an arm from another process is seen promptly. */
  readonly pollMs?: number;
  /** Wake-ups handled at once. */
  readonly concurrency?: number;
  readonly onError?: (cartId: string, error: unknown) => void;
  /** Runs before the started loop's first claim, and again before each look until it succeeds. */
  readonly prepare?: () => void | Promise<void>;
  /** Longest wait after failed looks (a full disk): they back off from pollMs, doubling. */
  readonly maxBackoffMs?: number;
  /** A look failed (claiming, or prepare); the loop tries again after `retryInMs`. */
  readonly onLoopError?: (error: unknown, retryInMs: number) => void;
}

export interface TimerLoop {
  start(): void;
  /** Stops claiming and waits for wake-ups in flight. */
  stop(): Promise<void>;
  /** Runs every wake-up due at the clock's now, until none is left. For tests and the demo. */
  drain(): Promise<number>;
  /** A wake-up was armed for `at`: look again then if that is before the next planned look. */
  poke(at?: number | null): void;
}

export function createTimerLoop(options: TimerLoopOptions): TimerLoop {
  const { store, clock, onWake } = options;
  const batchSize = options.batchSize ?? 200;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollMs = options.pollMs ?? 200;
  // Wake-ups in flight share group commits and outbox bursts, so more of them means fewer
  // flushes per reminder: each phase of a wake-up waits for one (claim commit, .eml burst, folder,
  // record commit), whatever the group's size. Measured for issue 19 (10,000 due, file outbox,
  // loaded machine): 368/s at 32, 522 at 64, 595 at 128, 464 at 200 (a whole batch in lockstep).
  const concurrency = options.concurrency ?? 128;
  const onError =
    options.onError ??
    ((cartId: string, error: unknown) => console.error(`[waiter] cart ${cartId} failed:`, error));

  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const onLoopError =
    options.onLoopError ??
    ((error: unknown, retryInMs: number) =>
      console.error(
        `[timer] claiming due wake-ups failed, retrying in ${retryInMs} ms: ${(error as Error).message}`,
      ));
  let prepared = options.prepare === undefined;
  let failures = 0;

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  /** Clock time of the next planned look; a poke for a later time needs no work at all. */
  let plannedAt = Number.POSITIVE_INFINITY;
  let inFlight: Promise<unknown> = Promise.resolve();

  /**
   * Claims and runs wake-ups until a claim finds none due, or `keepGoing` says stop (the loop was
   * stopped). The workers never wait for a whole batch: the one that finds the queue empty claims
   * the next batch while the others are still mid-wake, so one group's files and commits are on
   * the disk while another group decides and composes on the CPU. One claim at a time.
   */
  async function drainWhile(keepGoing: () => boolean): Promise<number> {
    const queue: string[] = [];
    let handled = 0;
    let done = false;
    let fault: { error: unknown } | null = null;
    let claiming: Promise<void> | null = null;
    const claimNext = async () => {
      try {
        const ids = keepGoing() ? await store.claimDue(clock.now(), batchSize, leaseMs) : [];
        if (ids.length === 0) done = true;
        queue.push(...ids);
        handled += ids.length;
      } catch (error) {
        // The others finish the wake-ups they hold; the drain then fails with this.
        fault = { error };
        done = true;
      } finally {
        claiming = null;
      }
    };
    const worker = async () => {
      for (;;) {
        const id = queue.shift();
        if (id === undefined) {
          if (done) return;
          claiming ??= claimNext();
          await claiming;
          continue;
        }
        try {
          await onWake(id);
        } catch (error) {
          // The lease stays: the cart falls due again after it, and is retried then.
          onError(id, error);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (fault !== null) throw (fault as { error: unknown }).error;
    return handled;
  }

  function schedule(delay: number): void {
    if (!running) return;
    clearTimeout(timer);
    plannedAt = clock.now() + Math.max(0, delay);
    timer = setTimeout(tick, Math.max(0, delay));
  }

  let draining = false;
  function tick(): void {
    // One drain at a time; a poke during a drain is picked up by the reschedule at its end.
    if (!running || draining) return;
    draining = true;
    // Checked between batches: after stop() nothing more is claimed, so a backlog stays due for
    // the next start instead of being leased and run while the process shuts down.
    inFlight = (async () => {
      if (!prepared) {
        await options.prepare?.();
        prepared = true;
      }
      await drainWhile(() => running);
      const nextDue = await store.nextDueAt();
      return Math.min(pollMs, nextDue === null ? pollMs : nextDue - clock.now());
    })()
      .then(
        (delay) => {
          failures = 0;
          return delay;
        },
        (error: unknown) => {
          // A full or failing disk: look again later, less often each time, instead of dying or
          // spinning. Leases not taken stay due, so nothing is lost while it lasts.
          failures++;
          const retryIn = Math.min(maxBackoffMs, pollMs * 2 ** Math.min(failures, 20));
          onLoopError(error, retryIn);
          return retryIn;
        },
      )
      .then((delay) => {
        draining = false;
        schedule(delay);
      });
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await inFlight;
    },
    drain: () => drainWhile(() => true),
    poke(at) {
      if (at === null) return;
      if (at !== undefined && at >= plannedAt) return;
      schedule(at === undefined ? 0 : at - clock.now());
    },
  };
}
