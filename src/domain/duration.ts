/** Durations in configuration: "90s", "15m", "1h", "7d". Seconds work, for demos and tests. */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export class InvalidDurationError extends Error {
  override readonly name = 'InvalidDurationError';
}

export function parseDuration(text: string, what = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd])\s*$/.exec(text);
  if (!match) {
    throw new InvalidDurationError(
      `${what}: "${text}" is not a duration; use a number and a unit s, m, h or d (e.g. 90s, 1h, 7d)`,
    );
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (!(ms > 0)) throw new InvalidDurationError(`${what}: "${text}" must be greater than zero`);
  return Math.round(ms);
}

/** "1h,24h,72h" -> strictly increasing step delays in ms. */
export function parseCadence(text: string, what = 'CR_CADENCE'): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new InvalidDurationError(
      `${what}: "${text}" must be a comma-separated list like 1h,24h,72h`,
    );
  }
  const steps = parts.map((p, i) => parseDuration(p, `${what} step ${i + 1}`));
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i] ?? 0) <= (steps[i - 1] ?? 0)) {
      throw new InvalidDurationError(
        `${what}: "${text}" must be increasing; step ${i + 1} is not later than step ${i}`,
      );
    }
  }
  return steps;
}

export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${Math.round(ms / 1000)}s`;
}
