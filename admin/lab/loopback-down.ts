// Tear a loopback lab down from its state file alone: its sshds, found by recorded pid and checked
// against /proc/PID/cmdline (never by name), the connections and commands they serve (their
// descendants), the processes in DIR/pids/, then the dir. Safe to run twice, and after a crash.
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { normalizeDir, sshdConfigPath, sshdPidPath } from './lab-state.js';
import { readLoopbackState, type LoopbackState } from './loopback-state.js';
import { readPidRecords } from './pids.js';
import { cmdlineIncludes, descendants, killAndWait } from './processes.js';
import type { LabListener } from './types.js';

interface Victim {
  pid: number;
  what: string;
}

/** Each host's sshd, from lab.json and from its pid file, if it still runs that host's config. */
async function sshdVictims(state: LoopbackState): Promise<Victim[]> {
  const found = new Map<number, string>();
  for (const h of state.hosts) {
    const fromFile = Number((await readFile(sshdPidPath(state.dir, h.name), 'utf8').catch(() => '')).trim());
    for (const pid of new Set([h.sshdPid ?? 0, fromFile])) {
      if (await cmdlineIncludes(pid, sshdConfigPath(state.dir, h.name))) found.set(pid, `sshd ${pid} (${h.name})`);
    }
  }
  return [...found].map(([pid, what]) => ({ pid, what }));
}

/** Processes recorded in DIR/pids/ (recordPid) whose command line proves they are still ours. */
async function recordedVictims(dir: string): Promise<Victim[]> {
  const victims: Victim[] = [];
  for (const r of await readPidRecords(dir)) {
    if (await cmdlineIncludes(r.pid, r.cmdline)) victims.push({ pid: r.pid, what: `${r.name} ${r.pid}` });
  }
  return victims;
}

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try { process.kill(pid, sig); } catch { /* already gone */ }
  }
}

/**
 * Stop `roots` and everything below them. The roots are frozen first (SIGSTOP) so that no sshd
 * forks a new connection while its children are listed; once the whole tree has its SIGTERM the
 * roots are let go (SIGCONT) to act on it. Children must be listed before their parent dies:
 * orphans are re-parented and could no longer be told apart from anyone else's processes.
 */
async function stopTrees(roots: readonly number[]): Promise<void> {
  signal(roots, 'SIGSTOP');
  // Not this process: `lab down` may run in a session of the lab it removes.
  const all = [...roots, ...(await descendants(roots))].filter((pid) => pid !== process.pid);
  signal(all, 'SIGTERM');
  signal(roots, 'SIGCONT');
  await killAndWait(all);
}

async function victims(state: LoopbackState): Promise<Victim[]> {
  return [...(await sshdVictims(state)), ...(await recordedVictims(state.dir))];
}

/**
 * Remove the lab dir: its contents first (lab.json last, so a failure leaves the lab findable),
 * then the dir, which stays, emptied, when its parent is not ours to write (a non-root user's lab
 * in a root-owned dir). Returns what was removed.
 */
async function removeDir(dir: string): Promise<string> {
  const entries = (await readdir(dir)).sort((a, b) => Number(a === 'lab.json') - Number(b === 'lab.json'));
  for (const entry of entries) await rm(join(dir, entry), { recursive: true, force: true, maxRetries: 3 });
  try {
    await rmdir(dir);
    return dir;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw e;
    return `${dir}/* (the dir itself stays: ${code} on its parent)`;
  }
}

/** Stop the loopback lab in `dir` and remove the dir. Needs no root (the sshds run as the caller). */
export async function loopbackDown(dir: string, onEvent: LabListener = () => undefined): Promise<{ removed: string[] }> {
  const abs = normalizeDir(dir);
  const state = await readLoopbackState(abs);
  if (!state) return { removed: [] }; // nothing known here: a dir without lab.json is not touched
  const removed: string[] = [];
  const note = (what: string): void => { removed.push(what); onEvent({ kind: 'removed', what }); };

  for (let pass = 0; pass < 5; pass++) {
    const found = await victims(state);
    if (found.length === 0) break;
    await stopTrees(found.map((v) => v.pid));
    found.forEach((v) => note(v.what));
  }
  const left = await victims(state);
  if (left.length > 0) {
    throw new LabError(`loopback lab in ${abs}: could not stop ${left.map((v) => v.what).join(', ')}; lab.json kept, run lab down again`);
  }
  note(await removeDir(abs));
  return { removed };
}
