// Our own timing harness: spawn one command, wall time with process.hrtime, CPU of the client
// side (our reaped children) and of the lab's sshds, and the plain statistics we report.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

export interface SpawnSpec {
  argv: [string, ...string[]];
  cwd: string;
  env?: Record<string, string>;
  timeoutMs: number;
}

export interface Spawned {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallS: number;
  /** user+sys CPU of the command and everything it started (reaped children of this process). */
  clientCpuS: number;
  timedOut: boolean;
}

/** One timed run as recorded in the results. */
export interface Run {
  wallS: number;
  ok: boolean;
  /** Why the run does not count (wrong answer count, exit code…); absent when ok. */
  reason?: string;
  clientCpuS?: number;
  serverCpuS?: number;
  load1: number;
}

// Linux reports /proc times in USER_HZ, which is 100 on every Linux ABI.
const USER_HZ = 100;

/** Fields of /proc/PID/stat after the command name; field k (1-based, man proc) is [k - 3]. */
function statFields(pid: number | 'self'): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds of reaped children (cutime + cstime) of `pid`; 0 if it is gone. */
export function reapedChildrenCpuS(pid: number | 'self'): number {
  try {
    const f = statFields(pid);
    return (Number(f[13]) + Number(f[14])) / USER_HZ;
  } catch {
    return 0;
  }
}

/**
 * CPU used by the lab's servers: every connection's sshd (and the shell it runs) is a reaped
 * child of its host's listening sshd, so the listeners' cutime+cstime grows by exactly that.
 */
export function serverCpuS(sshdPids: readonly number[]): number {
  return sshdPids.reduce((sum, pid) => sum + reapedChildrenCpuS(pid), 0);
}

export const load1 = (): number => Number(loadavg()[0]?.toFixed(2) ?? 0);

/** Seconds to the millisecond (CPU times come in 10 ms ticks; no 0.6600000000000001 in the JSON). */
export const ms3 = (s: number): number => Math.round(s * 1000) / 1000;

// Children in flight, so that Ctrl-C (or a timeout) can stop them by their process group.
const running = new Set<ChildProcess>();

/** Kill every command we started that is still running (its whole process group), by pid. */
export function killRunning(): void {
  for (const child of running) {
    killGroup(child, 'SIGKILL');
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }
  try {
    process.kill(-child.pid, signal); // detached: the child leads its own group
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Spawn `spec`, wait for it to exit and its output to close; never rejects for a failed command. */
export function timedSpawn(spec: SpawnSpec): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = spec.argv;
    const cpu0 = reapedChildrenCpuS('self');
    const t0 = process.hrtime.bigint();
    const child = spawn(file, args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group: Ctrl-C on the terminal does not reach it, we stop it
    });
    running.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, spec.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      running.delete(child);
      reject(e);
    });
    child.once('close', (code, signal) => {
      const t1 = process.hrtime.bigint();
      clearTimeout(timer);
      running.delete(child);
      resolve({
        code,
        signal,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallS: Number(t1 - t0) / 1e9,
        clientCpuS: reapedChildrenCpuS('self') - cpu0,
      });
    });
  });
}

/** Wall seconds since `t0` (from process.hrtime.bigint()). */
export function since(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export interface Stats {
  runs: number;
  valid: number;
  median: number | null;
  min: number | null;
}

/** Median and min over the runs that count; failed runs are left out (and counted). */
export function stats(runs: readonly Run[]): Stats {
  const w = runs
    .filter((r) => r.ok)
    .map((r) => r.wallS)
    .sort((a, b) => a - b);
  return { runs: runs.length, valid: w.length, median: medianOf(w), min: w[0] ?? null };
}

/** The median of sorted numbers; null for none. */
function medianOf(sorted: readonly number[]): number | null {
  if (sorted.length === 0) {
    return null;
  }
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
