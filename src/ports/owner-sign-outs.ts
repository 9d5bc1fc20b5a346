/**
 * When each owner last signed out of the owner pages. A session cookie is signed, not stored, so
 * signing out cannot delete it; instead every session an owner made before their last sign-out is
 * over, wherever it was copied to. Kept in the store and not in memory, so it holds after a
 * restart and on every Lambda instance at once.
 */
export interface OwnerSignOuts {
  /** Epoch ms of the owner's last sign-out, read strongly consistent; null when never. */
  lastSignOut(owner: string): Promise<number | null>;
  /** Records a sign-out at `at`; an earlier time never replaces a later one. */
  signOut(owner: string, at: number): Promise<void>;
}
