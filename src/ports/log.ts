/**
 * The operator's log: one structured line per thing that happened (a start, a rejected event, a
 * reminder sent or refused, a stop, a sender-health change). Adapters: pino JSON lines
 * (adapters/pino/pino-log.ts); `silentLog` where nothing is wired (tests, one-shot CLI commands).
 *
 * Fields never carry a shopper's email address, a cart's items or an event body, nor a token or
 * secret: a cart id is how a line is traced back to the audit, which holds the rest.
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface Log {
  /** `event` is a stable dotted name (`reminder.sent`) a log query can match on. */
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export const silentLog: Log = {
  info() {},
  warn() {},
  error() {},
};

// Broad on purpose: a mail server's reply quotes the address in many shapes (`<sam@example.com>`,
// `sam@example.com:`, `to=sam@example.com`), and a false hit only blanks a little text.
const ADDRESS = /[^\s<>()[\]{}"',;:]+@[^\s<>()[\]{}"',;:]+/g;

/**
 * Free text from outside (an SMTP reply, an SES error message) with anything that looks like an
 * email address blanked: servers quote the rejected recipient ("550 5.1.1 <sam@example.com>:
 * user unknown"), and that text goes into log lines.
 */
export function withoutAddresses(text: string): string {
  return text.replace(ADDRESS, '[address]');
}
