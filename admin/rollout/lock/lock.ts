// The operator lock: one mutating run per deployment at a time. The contract is here; the
// implementation that lives on the fleet is fleet-lock.ts (tests may use any other).
import type { LockHolder } from '../../errors.js';

export interface HeldLock {
  /** Where the lock lives, for messages: `cloud1:/run/lock/salvo-storm.lock`. */
  readonly where: string;
  /** Resolves (with a reason) if the lock is lost while held, e.g. the lock host's connection dropped. */
  readonly lost: Promise<string>;
  release(): Promise<void>;
}

export interface LockOptions {
  /** Keep trying this long when another run holds it (`--wait-lock`); 0: refuse at once. */
  waitMs?: number;
  signal?: AbortSignal;
  /** Told once per holder while waiting. */
  onWait?: (holder: LockHolder | undefined) => void;
}

export interface Locker {
  readonly where: string;
  /** The lock, or LockedError naming the holder. */
  acquire(holder: LockHolder, options?: LockOptions): Promise<HeldLock>;
}
