// Processes, found and stopped only by recorded pid (after a /proc/PID/cmdline check) or by the
// network namespace they live in: never by name. pid_max is small here and pids wrap quickly.
import { readdir, readFile, readlink, stat } from 'node:fs/promises';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The one-letter state from /proc/PID/status ('R', 'S', 'Z'…), or undefined if there is no such pid. */
async function procState(pid: number): Promise<string | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+(\S)/m.exec(status)?.[1];
  } catch {
    return undefined;
  }
}

/** Alive means: exists and is not a zombie (a zombie whose parent never reaps it counts as gone). */
export async function isRunning(pid: number): Promise<boolean> {
  const s = await procState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

/** True when the pid is running and its command line contains `text`. */
export async function cmdlineIncludes(pid: number, text: string): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1) {
    return false;
  }
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replace(/\0/g, ' ');
    return cmdline.includes(text) && (await isRunning(pid));
  } catch {
    return false;
  }
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/** Poll until none of `pids` runs or `ms` pass; returns those still running. */
async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const until = Date.now() + ms;
  let left = pids;
  while (left.length > 0 && Date.now() < until) {
    await sleep(10);
    const alive = await Promise.all(left.map((p) => isRunning(p)));
    left = left.filter((_, i) => alive[i]);
  }
  return left;
}

/** Send SIGTERM and wait until every pid is gone; SIGKILL what is left after `graceMs`. */
export async function killAndWait(pids: number[], graceMs = 3000): Promise<void> {
  signal(pids, 'SIGTERM');
  const left = await waitGone(pids, graceMs);
  if (left.length === 0) {
    return;
  }
  signal(left, 'SIGKILL');
  await waitGone(left, 3000);
}

/** The inode of a network namespace bind-mounted at /run/netns/NAME, or undefined. */
export async function netnsInode(netns: string): Promise<number | undefined> {
  try {
    return (await stat(`/run/netns/${netns}`)).ino;
  } catch {
    return undefined;
  }
}

/** Every running pid whose network namespace is one of `inodes`. */
export async function pidsInNetns(inodes: Set<number>): Promise<number[]> {
  if (inodes.size === 0) {
    return [];
  }
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      const link = await readlink(`/proc/${entry}/ns/net`); // net:[4026532301]
      const ino = Number(/\[(\d+)\]/.exec(link)?.[1]);
      if (inodes.has(ino) && (await isRunning(Number(entry)))) {
        found.push(Number(entry));
      }
    } catch {
      /* exited meanwhile, or a kernel thread */
    }
  }
  return found;
}

/** The parent pid from /proc/PID/stat; the command name may hold spaces and ')', so parse after the last ')'. */
async function parentOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Every running descendant of `pids` (children, their children…), found by parent pid, never by name. */
export async function descendants(pids: readonly number[]): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const ppid = await parentOf(Number(entry));
    if (ppid !== undefined) {
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    }
  }
  const found: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  pids.forEach(walk);
  return found;
}
