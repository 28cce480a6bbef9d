// A small counting semaphore for SSH channels. OpenSSH refuses a channel past MaxSessions
// (default 10) with a bare "open failed", so we queue below that limit instead of failing.

/** Give the slot back; safe to call more than once (only the first call counts). */
export type Release = () => void;

interface Waiter {
  settled: boolean;
  grant: (release: Release) => void;
}

export class ChannelLimit {
  private active = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`channel limit must be a positive integer, got ${max}`);
    }
  }

  /** Slots in use now. */
  get inUse(): number {
    return this.active;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Wait for a free slot. Resolves to a release function, or to null if `stop` settles first
   * (a command whose deadline passes while queued never opens its channel).
   */
  acquire(stop?: Promise<unknown>): Promise<Release | null> {
    if (this.active < this.max) {
      return Promise.resolve(this.take());
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        settled: false,
        grant: (release) => {
          waiter.settled = true;
          resolve(release);
        },
      };
      this.waiters.push(waiter);
      const giveUp = (): void => {
        if (waiter.settled) {
          return;
        }
        waiter.settled = true;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(null);
      };
      stop?.then(giveUp, giveUp);
    });
  }

  private take(): Release {
    this.active++;
    let released = false;
    return () => {
      if (released) {
        return;
      }
      released = true;
      this.active--;
      this.handOn();
    };
  }

  // A released slot goes straight to the oldest waiter, so waiters are served in order.
  private handOn(): void {
    const next = this.waiters.shift();
    if (next) {
      next.grant(this.take());
    }
  }
}

/** Clamp a requested per-connection channel count to 1..8 (8 leaves OpenSSH room for kills). */
export function channelCount(requested: number | undefined): number {
  const n = Math.floor(requested ?? 8);
  return Number.isFinite(n) ? Math.min(8, Math.max(1, n)) : 8;
}
