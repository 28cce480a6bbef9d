// The deployment lock over several lock hosts (`lock: { hosts: [cloud1, cloud2, cloud3] }`): a
// FleetLock on each, taken in list order on every one that answers; the lock is held when a
// majority of them granted it (so a holder of all three keeps it when one of them dies).
// Two majorities of one list always share a host, and a host grants its flock to one holder at a
// time, so there is still exactly one holder fleet-wide, while a minority of the lock hosts may be
// down (one of three, two of five) without stopping any rollout. With one lock host this is that
// host's FleetLock.
//
// Taking them in the same order everywhere means two admins meet at the first lock host both can
// reach: one is refused there at once. A refusal anywhere (another holder, or a race between
// admins who see different hosts as down) releases whatever this attempt took, then waits and
// retries like a refusal on a single host. The lock is lost when fewer than a majority are still
// held (each host's own heartbeat rules, fleet-lock.ts); release frees every host it holds.
import { ConnectError, LockedError, type LockHolder } from '../../errors.js';
import { pause } from '../gate.js';
import type { HeldLock, LockOptions, Locker } from './lock.js';

/** What one lock host is: FleetLock, or any Locker (tests). */
export type HostLock = Locker & { readonly host: string };

export class QuorumLock implements Locker {
  readonly where: string;
  private readonly majority: number;

  constructor(private readonly locks: HostLock[]) {
    if (!locks.length) {
      throw new RangeError('a quorum lock needs at least one lock host');
    }
    this.majority = Math.floor(locks.length / 2) + 1;
    this.where =
      locks.length === 1
        ? locks[0]!.where
        : `a majority (${this.majority}) of ${locks.map((l) => l.where).join(', ')}`;
  }

  async acquire(holder: LockHolder, options: LockOptions = {}): Promise<HeldLock> {
    if (this.locks.length === 1) {
      return this.locks[0]!.acquire(holder, options);
    }
    const deadline = Date.now() + (options.waitMs ?? 0);
    let told: string | undefined;
    for (;;) {
      const got = await this.attempt(holder, options.signal);
      if ('held' in got) {
        return got.held;
      }
      if (Date.now() >= deadline || options.signal?.aborted) {
        throw got.busy;
      }
      const key = JSON.stringify(got.busy.holder ?? null);
      if (key !== told) {
        options.onWait?.(got.busy.holder);
      }
      told = key;
      // A little jitter: two admins who each hold a part retry at different moments.
      const wait = Math.min(1000, Math.max(50, deadline - Date.now())) * (0.5 + Math.random() / 2);
      if (!(await pause(wait, options.signal))) {
        throw got.busy;
      }
    }
  }

  /** One pass over the lock hosts in order: a majority held, or why not (busy, or unreachable). */
  private async attempt(
    holder: LockHolder,
    signal?: AbortSignal,
  ): Promise<{ held: HeldLock } | { busy: LockedError }> {
    const held: { lock: HostLock; h: HeldLock }[] = [];
    const down: string[] = [];
    for (const lock of this.locks) {
      if (this.locks.length - down.length < this.majority || signal?.aborted) {
        break;
      }
      try {
        held.push({ lock, h: await lock.acquire(holder, {}) });
      } catch (err) {
        if (err instanceof LockedError) {
          await Promise.all(held.map((x) => x.h.release()));
          return { busy: err };
        }
        const why = (err as Error).message;
        down.push(why.startsWith(`${lock.host}: `) ? why : `${lock.host}: ${why}`);
      }
    }
    if (held.length >= this.majority) {
      return { held: this.combine(held) };
    }
    await Promise.all(held.map((x) => x.h.release()));
    throw new ConnectError(
      this.locks[0]!.host,
      'other',
      `deployment lock: ${held.length} of ${this.locks.length} lock hosts granted it, a majority (${this.majority}) is needed; unreachable: ${down.join('; ')}`,
    );
  }

  /** The held majority as one lock: lost when fewer than a majority are still held. */
  private combine(held: { lock: HostLock; h: HeldLock }[]): HeldLock {
    let left = held.length;
    const reasons: string[] = [];
    const lost = new Promise<string>((resolve) => {
      for (const { h } of held) {
        void h.lost.then((why) => {
          reasons.push(why);
          left--;
          if (left < this.majority) {
            resolve(
              `${left} of the ${held.length} lock hosts held, fewer than a majority (${this.majority}): ${reasons.join('; ')}`,
            );
          }
        });
      }
    });
    return {
      where: held.map(({ h }) => h.where).join(', '),
      lost,
      release: async () => {
        await Promise.all(held.map(({ h }) => h.release()));
      },
    };
  }
}
