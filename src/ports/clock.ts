/** The clock is a port: tests and the demo drive time, nothing sleeps waiting for a timer. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told: tests and the demo drive time with it. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): number;
}

export function createManualClock(start: number): ManualClock {
  let now = start;
  return {
    now: () => now,
    set(ms) {
      now = ms;
    },
    advance(ms) {
      now += ms;
      return now;
    },
  };
}
