// What `lab down` may stop, found from what the lab recorded, never by name: each host's sshd
// (lab.json and its pid file) and the processes in DIR/pids/, each only while its command line
// still proves it is ours (a recycled pid is someone else's process). Both kinds of lab use it.
import { readFile } from 'node:fs/promises';
import { sshdConfigPath, sshdPidPath } from './netns/state.js';
import { readPidRecords } from './pids.js';
import { cmdlineIncludes } from './processes.js';

export interface Victim {
  pid: number;
  what: string; // `sshd 123 (cloud3)`, `hub 456`
}

export async function recordedVictims(
  dir: string,
  hosts: readonly { name: string; sshdPid?: number | null }[],
): Promise<Victim[]> {
  const found = new Map<number, string>();
  for (const h of hosts) {
    const fromFile = Number(
      (await readFile(sshdPidPath(dir, h.name), 'utf8').catch(() => '')).trim(),
    );
    for (const pid of new Set([h.sshdPid ?? 0, fromFile])) {
      if (await cmdlineIncludes(pid, sshdConfigPath(dir, h.name))) {
        found.set(pid, `sshd ${pid} (${h.name})`);
      }
    }
  }
  for (const r of await readPidRecords(dir)) {
    if (await cmdlineIncludes(r.pid, r.cmdline)) {
      found.set(r.pid, `${r.name} ${r.pid}`);
    }
  }
  return [...found].map(([pid, what]) => ({ pid, what }));
}
