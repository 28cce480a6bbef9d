// Tear a lab down from its state file alone. Safe to run twice, and after a crash mid-way.
import { rm, rmdir } from 'node:fs/promises';
import { LabError } from '../../errors.js';
import { releaseId } from './allocate.js';
import { etcNetnsDir, normalizeDir, readState, type LabState } from './state.js';
import { deleteLinks, linkExists, netnsExists, releaseNetnsDir } from './netns.js';
import { killAndWait, netnsInode, pidsInNetns } from '../processes.js';
import { requireRoot } from '../require-root.js';
import type { LabListener } from '../types.js';
import { recordedVictims } from '../victims.js';

/** Inodes of the lab's network namespaces, taken before they are deleted. */
async function netnsInodes(state: LabState): Promise<Set<number>> {
  const inodes = new Set<number>();
  for (const h of state.hosts) {
    const ino = await netnsInode(h.netns);
    if (ino !== undefined) {
      inodes.add(ino);
    }
  }
  return inodes;
}

/**
 * Kill recorded pids and whatever runs inside the lab's namespaces (open ssh sessions, their
 * children, starters a crashed labUp left in flight, an sshd that forked its daemon meanwhile),
 * pass after pass until a pass finds none. Only while the namespaces are still bound in
 * /run/netns: after that their inode numbers may be reused by another lab's namespaces.
 */
async function stopProcesses(
  state: LabState,
  inodes: Set<number>,
  note: (what: string) => void,
): Promise<void> {
  for (let pass = 0; pass < 5; pass++) {
    const recorded = await recordedVictims(state.dir, state.hosts);
    const stray = (await pidsInNetns(inodes))
      .filter((pid) => !recorded.some((v) => v.pid === pid))
      .map((pid) => ({ pid, what: `process ${pid} in the lab's namespaces` }));
    const victims = [...recorded, ...stray];
    if (victims.length === 0) {
      return;
    }
    await killAndWait(victims.map((v) => v.pid));
    for (const v of victims) {
      note(v.what);
    }
  }
}

/** What still exists after a teardown; empty when the lab is really gone. */
async function remaining(state: LabState): Promise<string[]> {
  const left: string[] = [];
  for (const h of state.hosts) {
    if (netnsExists(h.netns)) {
      left.push(`netns ${h.netns}`);
    }
    if (linkExists(h.veth)) {
      left.push(`veth ${h.veth}`);
    }
  }
  if (linkExists(state.bridge)) {
    left.push(`bridge ${state.bridge}`);
  }
  for (const v of await recordedVictims(state.dir, state.hosts)) {
    left.push(v.what);
  }
  return left;
}

/** Stop the lab in `dir` and remove its processes, namespaces, bridge, /etc/netns entries and dir. */
export async function labDown(
  dir: string,
  onEvent: LabListener = () => undefined,
): Promise<{ removed: string[] }> {
  requireRoot();
  const abs = normalizeDir(dir);
  const state = await readState(abs);
  if (!state) {
    return { removed: [] }; // nothing known here: a dir without lab.json is not touched
  }
  const removed: string[] = [];
  const note = (what: string): void => {
    removed.push(what);
    onEvent({ kind: 'removed', what });
  };

  const inodes = await netnsInodes(state);
  await stopProcesses(state, inodes, note);
  const gone = await deleteLinks(
    state.hosts.map((h) => h.veth),
    state.hosts.map((h) => h.netns),
    state.bridge,
  );
  gone.forEach(note);
  for (const h of state.hosts) {
    const etc = etcNetnsDir(h.netns);
    if (
      await rm(etc, { recursive: true }).then(
        () => true,
        () => false,
      )
    ) {
      note(etc);
    }
  }
  await rmdir('/etc/netns').catch(() => undefined); // only when empty
  if (await releaseNetnsDir()) {
    note('/run/netns');
  }

  const left = await remaining(state);
  if (left.length > 0) {
    throw new LabError(
      `lab ${state.id} in ${abs}: could not remove ${left.join(', ')}; lab.json kept, run labDown again`,
    );
  }
  await releaseId(state.id, abs);
  await rm(abs, { recursive: true, force: true, maxRetries: 3 });
  note(abs);
  return { removed };
}
