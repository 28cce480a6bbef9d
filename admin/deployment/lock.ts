// The operator lock as a Deployment holds it: the fleet-side lock of rollout/ (one holder per
// deployment, on its first host), held around a piece of work. Re-entrant within that work: a
// release script holds it for the whole release, and the rollouts it starts run under it instead
// of refusing themselves as "locked".
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LockHolder } from '../errors.js';
import { whoAmI } from '../rollout/journal/journal.js';
import type { HeldLock, LockOptions, Locker } from '../rollout/lock/lock.js';

export class OperatorLock {
  private readonly held = new AsyncLocalStorage<HeldLock>();

  constructor(private readonly make: () => Promise<Locker | undefined>) {}

  /** Held by the work this is called from? */
  isHeld(): boolean {
    return this.held.getStore() !== undefined;
  }

  /**
   * The locker a rollout takes the lock through: the real one, or, inside work that already holds
   * the lock, one that hands back the held lock (released by its owner, not by the rollout).
   */
  async locker(): Promise<Locker | undefined> {
    const outer = this.held.getStore();
    if (!outer) {
      return this.make();
    }
    return {
      where: outer.where,
      acquire: async (): Promise<HeldLock> => ({
        where: outer.where,
        lost: outer.lost,
        release: async () => undefined,
      }),
    };
  }

  /** Run `work` holding the lock; `what` says what for, to whoever finds it taken. */
  async hold<T>(
    what: string,
    work: (lock: HeldLock | undefined) => Promise<T>,
    options: LockOptions = {},
  ): Promise<T> {
    if (this.held.getStore()) {
      return work(this.held.getStore());
    }
    const locker = await this.make();
    if (!locker) {
      return work(undefined);
    }
    const holder: LockHolder = { ...whoAmI(), startedAt: new Date().toISOString(), what };
    const lock = await locker.acquire(holder, options);
    try {
      return await this.held.run(lock, () => work(lock));
    } finally {
      await lock.release();
    }
  }
}
