/**
 * When each owner last signed out of the owner pages. A session cookie is signed, not stored, so
 * signing out cannot delete it; instead every session an owner made before their last sign-out is
 * over, wherever it was copied to. Kept in the store and not in memory, so it holds after a
 * restart and on every Lambda instance at once.
 */
import { PortFaultError, PortName } from './fault.ts';

export interface OwnerSignOuts {
  /** Epoch ms of the owner's last sign-out, read strongly consistent; null when never. */
  lastSignOut(owner: string): Promise<number | null>;
  /** Records a sign-out at `at`; an earlier time never replaces a later one. */
  signOut(owner: string, at: number): Promise<void>;
}

/** The sign-out times could not be read or written. */
export class OwnerSignOutsFaultError extends PortFaultError {
  override name = 'OwnerSignOutsFaultError';
  constructor(message: string, options: ErrorOptions & { code?: string } = {}) {
    super(PortName.ownerSignOuts, message, options);
  }
}
