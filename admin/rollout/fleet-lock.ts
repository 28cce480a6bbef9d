// The operator lock, kept on the fleet so operators on different admin machines see each other:
// `flock` on a lock host, held by a command on a long-lived SSH channel, with the holder written
// next to it. If the holder dies (SIGKILL, crash, lost network), sshd closes the channel, the
// heartbeat's next write fails, and the kernel drops the flock: no stale lock to clean up.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConnectError, AdminError, LockedError, type LockHolder } from '../errors.js';
import { isUnreachable } from '../fleet/outcome.js';
import { cmd, Raw, type Command } from '../transport/command.js';
import type { CommandResult, Transport } from '../transport/types.js';
import { pause } from './gate.js';
import { pidAlive } from './runs.js';
import type { HeldLock, LockOptions, Locker } from './lock.js';

const BUSY = 75; // flock -E: "someone else holds it", told apart from flock failing

/** Lock and holder files for a deployment: /run/lock is a tmpfs, so a reboot clears them too. */
export function lockPaths(deployment: string): { lockFile: string; holderFile: string } {
  return {
    lockFile: `/run/lock/salvo-${deployment}.lock`,
    holderFile: `/run/lock/salvo-${deployment}.holder`,
  };
}

/**
 * Take the lock and hold it: write the holder file, then print a dot every second. The dots are
 * how the holder notices that nobody listens any more (EPIPE → exit → lock released).
 */
export function holdCommand(lockFile: string, holderFile: string, info: string): Command {
  const hold =
    'printf "%s\\n" "$1" > "$2.tmp" && mv -f "$2.tmp" "$2" && while printf .; do sleep 1; done';
  return cmd(
    'flock',
    '-n',
    '-E',
    BUSY,
    lockFile,
    'sh',
    '-c',
    hold,
    'salvo-lock',
    info,
    holderFile,
    new Raw('|| { s=$?; [ "$s" = 75 ] && { cat'),
    holderFile,
    new Raw('2>/dev/null || { sleep 0.3; cat'),
    holderFile,
    new Raw('2>/dev/null; }; }; exit "$s"; }'),
  );
}

/** The holder file's JSON, if it reads as one. */
export function parseHolder(text: string): LockHolder | undefined {
  try {
    const h = JSON.parse(text.trim()) as Partial<LockHolder>;
    if (
      typeof h.user !== 'string' ||
      typeof h.host !== 'string' ||
      typeof h.pid !== 'number' ||
      typeof h.startedAt !== 'string'
    ) {
      return undefined;
    }
    return {
      user: h.user,
      host: h.host,
      pid: h.pid,
      startedAt: h.startedAt,
      ...(typeof h.what === 'string' ? { what: h.what } : {}),
    };
  } catch {
    return undefined;
  }
}

type Attempt = { held: HeldLock } | { busy: LockHolder | undefined };

export class FleetLock implements Locker {
  readonly where: string;
  private readonly paths: { lockFile: string; holderFile: string };

  constructor(
    private readonly transport: Transport,
    deployment: string,
    private readonly acquireTimeoutMs = 20_000,
  ) {
    this.paths = lockPaths(deployment);
    this.where = `${transport.host}:${this.paths.lockFile}`;
  }

  async acquire(holder: LockHolder, options: LockOptions = {}): Promise<HeldLock> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    let told: string | undefined;
    for (;;) {
      const got = await this.attempt(holder);
      if ('held' in got) {
        return got.held;
      }
      if (Date.now() >= deadline || options.signal?.aborted) {
        throw lockedError(this.where, got.busy);
      }
      const key = JSON.stringify(got.busy ?? null);
      if (key !== told) {
        options.onWait?.(got.busy);
      }
      told = key;
      if (!(await pause(Math.min(1000, Math.max(50, deadline - Date.now())), options.signal))) {
        throw lockedError(this.where, got.busy);
      }
    }
  }

  private async attempt(holder: LockHolder): Promise<Attempt> {
    const nonce = randomBytes(8).toString('hex');
    const info = JSON.stringify({ ...holder, nonce });
    const stop = new AbortController();
    // stdin '' forces an exec channel of its own: the warm shell session stays free for steps.
    const running = this.transport.run(
      holdCommand(this.paths.lockFile, this.paths.holderFile, info),
      { stdin: '', signal: stop.signal },
    );
    const ended = running.then((r) => ({ ended: r }));
    const started = Date.now();
    while (Date.now() - started < this.acquireTimeoutMs) {
      const first = await Promise.race([ended, this.holderNonce().then((n) => ({ nonce: n }))]);
      if ('ended' in first) {
        return this.refused(first.ended);
      }
      if (first.nonce === nonce) {
        return { held: this.held(stop, running, nonce) };
      }
      await pause(100);
    }
    stop.abort();
    await running;
    throw new AdminError(
      `could not take the deployment lock on ${this.where} within ${this.acquireTimeoutMs / 1000}s`,
    );
  }

  private async holderNonce(): Promise<string | undefined> {
    const r = await this.transport.run(cmd('cat', this.paths.holderFile), { timeoutMs: 5000 });
    try {
      return (JSON.parse(r.stdout) as { nonce?: string }).nonce;
    } catch {
      return undefined;
    }
  }

  private refused(r: CommandResult): Attempt {
    if (r.exitCode === BUSY) {
      return { busy: parseHolder(r.stdout) };
    }
    if (r.failure && isUnreachable(r)) {
      throw new ConnectError(
        this.transport.host,
        'other',
        `deployment lock host unreachable: ${r.failure.message}`,
      );
    }
    const why = r.stderr.trim() || r.failure?.message || `exit ${r.exitCode}`;
    throw new AdminError(`could not take the deployment lock on ${this.where}: ${why}`);
  }

  private held(stop: AbortController, running: Promise<CommandResult>, nonce: string): HeldLock {
    let releasing = false;
    const lost = running.then((r) =>
      releasing
        ? new Promise<string>(() => undefined)
        : `the lock command on ${this.transport.host} ended (${r.failure?.message ?? `exit ${r.exitCode}`})`,
    );
    const release = async (): Promise<void> => {
      releasing = true;
      stop.abort();
      await running;
      // Remove our holder record only: a new holder may already have written its own.
      await this.transport.run(
        cmd(
          'grep',
          '-qF',
          nonce,
          this.paths.holderFile,
          new Raw('&&'),
          'rm',
          '-f',
          this.paths.holderFile,
        ),
        { timeoutMs: 5000 },
      );
    };
    return { where: this.where, lost, release };
  }
}

function lockedError(where: string, h: LockHolder | undefined): LockedError {
  return new LockedError(
    where,
    h,
    h ? describeHolder(h) : `the deployment is locked (${where}); the holder could not be read`,
  );
}

/** `restart hub by alice on admin1 (pid 4242) since 2025-06-12T10:15:30Z`, and a note if that pid is gone here. */
export function describeHolder(h: LockHolder): string {
  const gone =
    h.host === hostname() && !pidAlive(h.pid)
      ? ' — that process is gone; the lock frees itself within seconds'
      : '';
  return `locked by ${h.user} on ${h.host} (pid ${h.pid}) since ${h.startedAt}${h.what ? `: ${h.what}` : ''}${gone}`;
}
