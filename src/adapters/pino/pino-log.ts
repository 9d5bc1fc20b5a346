/**
 * The Log port over pino: one JSON object per line, with `level` as its name ("info", not 30), an
 * ISO `time`, the fields, and the event name in `event`. Pino because it is the de-facto JSON
 * logger for Node, fast and kept; nothing outside this file sees its types.
 *
 * Writes are synchronous by default: a line written just before exit (the stop line, a Lambda
 * invocation's last send failure, whose process may be frozen right after) is never lost in a
 * buffer. Lambda forwards stdout to CloudWatch Logs line by line, which is what it wants there.
 */
import { type DestinationStream, pino } from 'pino';
import type { Log, LogFields, LogLevel } from '../../ports/log.ts';

export interface PinoLogOptions {
  /** CR_LOG_LEVEL: lines below it are dropped; `silent` drops all. */
  readonly level: LogLevel;
  /** Where lines go; stdout when absent. Tests pass one that keeps them. */
  readonly destination?: DestinationStream;
  /** The time stamped on lines (the demo's simulated clock); the wall clock when absent. */
  readonly now?: () => number;
}

export function createPinoLog(options: PinoLogOptions): Log {
  const now = options.now ?? Date.now;
  const logger = pino(
    {
      level: options.level,
      messageKey: 'event',
      base: { pid: process.pid },
      timestamp: () => `,"time":"${new Date(now()).toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  // pino takes (fields, message); the line ends with the event name.
  return {
    info: (event: string, fields: LogFields = {}) => logger.info(fields, event),
    warn: (event: string, fields: LogFields = {}) => logger.warn(fields, event),
    error: (event: string, fields: LogFields = {}) => logger.error(fields, event),
  };
}
