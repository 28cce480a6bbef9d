// Several monitors (one per admin host) elect one: the active monitor holds a fleet-side flock
// of its own on the lock host (/run/lock/salvo-<deployment>.monitor.lock, the operator lock's
// mechanism, a different file), the others stand by and try again every interval. When the
// active monitor's admin host dies, sshd closes its channel, the kernel drops the flock, and a
// standby takes over at its next try: a dead admin host does not silence monitoring.
import type { Deployment } from '../deployment/deployment.js';
import { LockedError, type LockHolder } from '../errors.js';
import { FleetLock } from '../rollout/lock/fleet-lock.js';
import { whoAmI } from '../rollout/journal/journal.js';
import type { HeldLock, Locker } from '../rollout/lock/lock.js';
import { QuorumLock } from '../rollout/lock/quorum-lock.js';

export type LeaseState =
  | { active: true; where: string }
  | { active: false; where: string; holder?: LockHolder };

export class MonitorLease {
  private held: HeldLock | undefined;
  private lostWhy: string | undefined;
  private readonly lock: Locker | undefined;

  constructor(dep: Deployment) {
    // On the lock hosts (lock.hosts; default the first host), held on a majority of them.
    const hosts = dep.lockHosts;
    this.lock = hosts.length
      ? new QuorumLock(hosts.map((h) => new FleetLock(dep.pool.get(h), `${dep.name}.monitor`)))
      : undefined;
  }

  /** Hold the lease (take it if free); otherwise who holds it. */
  async ensure(signal?: AbortSignal): Promise<LeaseState> {
    if (!this.lock) {
      return { active: true, where: '-' };
    }
    if (this.held && this.lostWhy === undefined) {
      return { active: true, where: this.held.where };
    }
    this.held = undefined;
    this.lostWhy = undefined;
    const holder: LockHolder = {
      ...whoAmI(),
      startedAt: new Date().toISOString(),
      what: 'salvo monitor run',
    };
    try {
      const held = await this.lock.acquire(holder, signal ? { signal } : {});
      this.held = held;
      void held.lost.then((why) => {
        if (this.held === held) {
          this.lostWhy = why;
        }
      });
      return { active: true, where: held.where };
    } catch (e) {
      if (e instanceof LockedError) {
        return { active: false, where: this.lock.where, ...(e.holder ? { holder: e.holder } : {}) };
      }
      throw e;
    }
  }

  async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    await held?.release();
  }
}
