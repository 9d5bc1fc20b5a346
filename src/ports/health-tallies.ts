/**
 * Sender health's figures, kept as they happen: per UTC day, per lane, the reminders sent and the
 * addresses that bounced or complained, and the times holds started, ended or were cleared
 * (domain/health-tally.ts). Every store that writes an audit row folds it into its day's tally in
 * the same write, so this port only reads.
 */

import type { DayTally } from '../domain/health-tally.ts';
import { PortFaultError, PortName } from './fault.ts';

export type { DayTally } from '../domain/health-tally.ts';

export interface HealthTallies {
  /** The tallies of the UTC days firstDay..lastDay (YYYY-MM-DD, both included), strongly consistent. */
  between(firstDay: string, lastDay: string): Promise<DayTally[]>;
}

/** The day tallies could not be read. */
export class HealthTalliesFaultError extends PortFaultError {
  override name = 'HealthTalliesFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.healthTallies, message, options);
  }
}
