// The operator lock, kept on the fleet so operators on different admin machines see each other:
// `flock` on a lock host, held by a command on a long-lived SSH channel, with the holder written
// next to it. The holder proves it is alive with a heartbeat: every HEARTBEAT_MS it touches the
// holder file over its connection; the command on the lock host exits (and the kernel drops the
// flock) once the file's mtime is more than EXPIRE_S old, or when sshd closes its channel. So a
// holder that dies, or loses its network (no write ever fails then: TCP just stalls), frees the
// lock within EXPIRE_S + 2 s of its last heartbeat. The holder, for its part, counts the lock lost
// when no heartbeat has succeeded for LOST_MS (docs/reliability.md).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ConnectError, AdminError, LockedError, type LockHolder } from '../../errors.js';
import { isUnreachable } from '../../fleet/outcome.js';
import { cmd, Raw, type Command } from '../../transport/command.js';
import type { CommandResult, Transport } from '../../transport/types.js';
import { within } from '../../transport/run-control.js';
import { MIN_MAX_OUTPUT } from '../../transport/session/index.js';
import { pause } from '../gate.js';
import { pidAlive } from '../journal/runs.js';
import type { HeldLock, LockOptions, Locker } from './lock.js';

const BUSY = 75; // flock -E: "someone else holds it", told apart from flock failing
/** The holder touches the holder file this often. */
export const HEARTBEAT_MS = 2000;
/** The lock host's command gives the lock up this long after the last heartbeat (mtime, 1 s steps). */
export const EXPIRE_S = 20;
/**
 * The holder counts the lock lost when no heartbeat has succeeded for this long: long enough for
 * a loaded admin host or a few seconds of lost Wi-Fi (each beat is a fresh exec channel, i.e. a
 * session forked on the lock host), and EXPIRE_S − LOST_MS/1000 ahead of the lock host giving up,
 * so the holder has stopped starting work well before anyone else can take the lock.
 */
export const LOST_MS = 10_000;

/** Lock and holder files for a deployment: /run/lock is a tmpfs, so a reboot clears them too. */
export function lockPaths(deployment: string): { lockFile: string; holderFile: string } {
  return {
    lockFile: `/run/lock/salvo-${deployment}.lock`,
    holderFile: `/run/lock/salvo-${deployment}.holder`,
  };
}

/**
 * Take the lock and hold it: write the holder file, then while its mtime (the holder's heartbeat)
 * is fresh print a dot every second. Heartbeats stopped, or nobody reading the dots (EPIPE): exit,
 * and the lock is free. A refusal prints the holder file, its mtime and the lock host's clock.
 */
export function holdCommand(lockFile: string, holderFile: string, info: string): Command {
  const hold =
    'printf "%s\\n" "$1" > "$2.tmp" && mv -f "$2.tmp" "$2" && while :; do ' +
    'a=$(( $(date +%s) - $(stat -c %Y "$2" 2>/dev/null || echo 0) )); ' +
    `[ "$a" -le ${EXPIRE_S} ] || { rm -f "$2"; exit 0; }; ` +
    'printf . || exit 0; sleep 1; done';
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
    new Raw('2>/dev/null; }; printf "\\n@"; stat -c %Y'),
    holderFile,
    new Raw('2>/dev/null; date +@%s; }; exit "$s"; }'),
  );
}

/** A refusal's output: the holder's JSON line, then `@MTIME` and `@NOW` from the lock host. */
export function parseRefusal(text: string): LockHolder | undefined {
  const lines = text.split('\n').map((l) => l.trim());
  const holder = parseHolder(lines.find((l) => l.startsWith('{')) ?? '');
  const stamps = lines.filter((l) => /^@\d+$/.test(l)).map((l) => Number(l.slice(1)));
  if (holder && stamps.length === 2) {
    return { ...holder, heartbeatAgeS: Math.max(0, stamps[1]! - stamps[0]!) };
  }
  return holder;
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

  get host(): string {
    return this.transport.host;
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
    // stdin '' forces an exec channel of its own (the warm session stays free for steps); the
    // hold's dot a second, for days under a monitor, is kept to the smallest limit.
    const running = this.transport.run(
      holdCommand(this.paths.lockFile, this.paths.holderFile, info),
      { stdin: '', signal: stop.signal, maxOutput: MIN_MAX_OUTPUT },
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
      return { busy: parseRefusal(r.stdout) };
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
    let lastOk = Date.now();
    let tellLost: (reason: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => {
      tellLost = (reason) => {
        if (!releasing) {
          releasing = true; // once: no more heartbeats
          resolve(reason);
        }
      };
    });
    void running.then((r) =>
      tellLost(
        `the lock command on ${this.transport.host} ended (${r.failure?.message ?? `exit ${r.exitCode}`})`,
      ),
    );
    // The heartbeat: touch the holder file while it is still ours. Its own exec channel (stdin ''),
    // so a long step in the warm shell session on the lock host never delays it.
    const beat = async (): Promise<void> => {
      while (!releasing) {
        const r = await this.transport.run(ifOurs(nonce, this.paths.holderFile, 'touch', '-c'), {
          stdin: '',
          timeoutMs: LOST_MS,
        });
        if (releasing) {
          return;
        }
        if (r.ok) {
          lastOk = Date.now();
        } else if (r.exitCode === 1 || r.exitCode === 2) {
          tellLost(`the holder record on ${this.transport.host} is no longer ours`);
          return;
        }
        await pause(Math.max(0, HEARTBEAT_MS - (Date.now() - lastOk)) || 250);
      }
    };
    void beat();
    const watchdog = setInterval(() => {
      const quiet = Date.now() - lastOk;
      if (quiet >= LOST_MS) {
        tellLost(
          `no heartbeat reached ${this.transport.host} for ${Math.round(quiet / 1000)} s; it gives the lock up ${EXPIRE_S} s after the last one`,
        );
      }
    }, 250);
    watchdog.unref();
    const release = async (): Promise<void> => {
      const wasLost = releasing;
      releasing = true;
      clearInterval(watchdog);
      // A lock host that is gone cannot answer: do not wait for it (it frees the lock itself and
      // removes the holder record when the heartbeats stop).
      const gone = wasLost || Date.now() - lastOk > HEARTBEAT_MS * 1.5;
      if (!gone) {
        // Our holder record goes while the lock is still ours: once it is free, a waiting run
        // writes its own, which a removal after the release could delete (its hold then ends).
        await this.transport.run(ifOurs(nonce, this.paths.holderFile, 'rm', '-f'), {
          stdin: '',
          timeoutMs: LOST_MS,
        });
      }
      stop.abort();
      await within(running, gone ? 1000 : LOST_MS);
    };
    return { where: this.where, lost, release };
  }
}

/** `ACTION… FILE`, only while the holder FILE still names our nonce (exit 1: not ours). */
function ifOurs(nonce: string, file: string, ...action: string[]): Command {
  return cmd('grep', '-qF', nonce, file, new Raw('&&'), ...action, file);
}

function lockedError(where: string, h: LockHolder | undefined): LockedError {
  return new LockedError(
    where,
    h,
    h ? describeHolder(h) : `the deployment is locked (${where}); the holder could not be read`,
  );
}

/**
 * `locked by alice on admin1 (pid 4242) since 2025-06-12T10:15:30Z: restart hub; last heartbeat
 * 3 s ago`, and what is true about when it frees.
 */
export function describeHolder(h: LockHolder): string {
  const age = h.heartbeatAgeS;
  const beat = age === undefined ? '' : `; last heartbeat ${age} s ago`;
  let frees = '';
  if (age !== undefined && age > HEARTBEAT_MS / 1000 + 1) {
    frees = ` — its heartbeats have stopped: the lock frees within ${Math.max(0, EXPIRE_S + 2 - age)} s`;
  } else if (age !== undefined) {
    frees = ` — if its holder dies or loses its network, the lock frees ${EXPIRE_S}–${EXPIRE_S + 2} s after its last heartbeat`;
  }
  const gone =
    h.host === hostname() && !pidAlive(h.pid) ? ' (that process is gone from this machine)' : '';
  return `locked by ${h.user} on ${h.host} (pid ${h.pid}) since ${h.startedAt}${h.what ? `: ${h.what}` : ''}${beat}${gone}${frees}`;
}
