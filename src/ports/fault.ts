/**
 * A fault behind a port: the backend could not do what was asked (a full or failing disk, a
 * throttled or unreachable service), as opposed to an expected outcome (a conflict, a duplicate),
 * which ports return as values. Each port names its own subclass, and every adapter of that port
 * translates its vendor's errors into it, keeping the original as `cause`, so the app and the
 * HTTP layer key on the port's error and never on SQLite's or AWS's.
 */

/** Which port's backend failed. */
export const PortName = {
  cartStore: 'cart-store',
  dueIndex: 'due-index',
  wakeups: 'wakeups',
  unsubscribeList: 'unsubscribe-list',
  ownerSignOuts: 'owner-sign-outs',
  addressBudget: 'address-budget',
  healthTallies: 'health-tallies',
} as const;
export type PortName = (typeof PortName)[keyof typeof PortName];

/** Vendor codes that mean the storage under a port cannot take writes for now. */
const STORAGE_CODES = /^(SQLITE_FULL|SQLITE_IOERR|ENOSPC|EDQUOT)/;

/** Whether a vendor code (SQLite's, the file system's) means the storage cannot take writes now. */
export function isStorageCode(code: string): boolean {
  return STORAGE_CODES.test(code);
}

/** The `code` of an error (SQLite's, Node's, the AWS SDK's `name`), '' when it has none. */
export function vendorCode(error: unknown): string {
  if (!(error instanceof Error)) return '';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return error.name === 'Error' ? '' : error.name;
}

export class PortFaultError extends Error {
  override name = 'PortFaultError';
  readonly port: PortName;
  /**
   * The vendor's own code for the failure (SQLITE_FULL, ENOSPC, ThrottlingException), or ''.
   * Kept on the port's error so a reader keying on the code (the 503 on a full disk) finds it
   * without walking the cause chain.
   */
  readonly code: string;
  /** The storage cannot take writes for now (disk full or failing): retry later, nothing lost. */
  readonly storageFull: boolean;

  constructor(port: PortName, message: string, options: ErrorOptions & { code?: string } = {}) {
    super(message, options);
    this.port = port;
    this.code = options.code ?? vendorCode(options.cause);
    this.storageFull = isStorageCode(this.code);
  }
}

/** Whether `error` is some port's fault error. */
export function isPortFault(error: unknown): error is PortFaultError {
  return error instanceof PortFaultError;
}
