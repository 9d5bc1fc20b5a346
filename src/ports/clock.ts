/** The clock is a port: tests and the demo drive time, nothing sleeps waiting for a timer. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
