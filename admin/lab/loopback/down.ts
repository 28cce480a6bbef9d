// Tear a loopback lab down from its state file alone: its sshds, found by recorded pid and checked
// against /proc/PID/cmdline (never by name), the connections and commands they serve (their
// descendants), the processes in DIR/pids/, then the dir. Safe to run twice, and after a crash.
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { normalizeDir } from '../netns/index.js';
import { readLoopbackState, type LoopbackState } from './state.js';
import { descendants, killAndWait } from '../processes.js';
import type { LabListener } from '../types.js';
import { recordedVictims, type Victim } from '../victims.js';

function signal(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
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

const victims = (state: LoopbackState): Promise<Victim[]> =>
  recordedVictims(state.dir, state.hosts);

/**
 * Remove the lab dir: its contents first (lab.json last, so a failure leaves the lab findable),
 * then the dir, which stays, emptied, when its parent is not ours to write (a non-root user's lab
 * in a root-owned dir). Returns what was removed.
 */
async function removeDir(dir: string): Promise<string> {
  const entries = (await readdir(dir)).sort(
    (a, b) => Number(a === 'lab.json') - Number(b === 'lab.json'),
  );
  for (const entry of entries) {
    await rm(join(dir, entry), { recursive: true, force: true, maxRetries: 3 });
  }
  try {
    await rmdir(dir);
    return dir;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') {
      throw e;
    }
    return `${dir}/* (the dir itself stays: ${code} on its parent)`;
  }
}

/** Stop the loopback lab in `dir` and remove the dir. Needs no root (the sshds run as the caller). */
export async function loopbackDown(
  dir: string,
  onEvent: LabListener = () => undefined,
): Promise<{ removed: string[] }> {
  const abs = normalizeDir(dir);
  const state = await readLoopbackState(abs);
  if (!state) {
    return { removed: [] }; // nothing known here: a dir without lab.json is not touched
  }
  const removed: string[] = [];
  const note = (what: string): void => {
    removed.push(what);
    onEvent({ kind: 'removed', what });
  };

  for (let pass = 0; pass < 5; pass++) {
    const found = await victims(state);
    if (found.length === 0) {
      break;
    }
    await stopTrees(found.map((v) => v.pid));
    for (const v of found) {
      note(v.what);
    }
  }
  const left = await victims(state);
  if (left.length > 0) {
    throw new LabError(
      `loopback lab in ${abs}: could not stop ${left.map((v) => v.what).join(', ')}; lab.json kept, run lab down again`,
    );
  }
  note(await removeDir(abs));
  return { removed };
}
