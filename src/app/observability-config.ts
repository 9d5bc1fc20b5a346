/** CR_LOG_LEVEL and CR_METRICS_TOKEN (SPEC section 7), parsed apart to keep config.ts short. */
import { LOG_LEVELS, type LogLevel } from '../ports/log.ts';

export function parseObservability(
  get: (name: string) => string | undefined,
  problems: string[],
): { logLevel: LogLevel; metricsToken: string | undefined } {
  const level = (get('CR_LOG_LEVEL') ?? 'info').toLowerCase();
  const logLevel = LOG_LEVELS.find((name) => name === level);
  if (logLevel === undefined) {
    problems.push(`CR_LOG_LEVEL: "${level.slice(0, 20)}" must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const metricsToken = get('CR_METRICS_TOKEN');
  // Sent as `Authorization: Bearer TOKEN`, like an owner token, and as hard to guess.
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) {
    problems.push(
      'CR_METRICS_TOKEN: must be 16 to 256 printable characters with no spaces (e.g. openssl rand -hex 24)',
    );
  }
  return { logLevel: logLevel ?? 'info', metricsToken };
}
