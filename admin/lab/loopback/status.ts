// What a loopback lab looks like right now: each host's sshd (by recorded pid, checked against
// its command line) and the processes recorded in DIR/pids/. Read-only; needs no root.
import { readFile } from 'node:fs/promises';
import { LabError } from '../../errors.js';
import { normalizeDir, sshdConfigPath, sshdPidPath } from '../netns/index.js';
import { LOOPBACK_ADDRESS, readLoopbackState, type LoopbackHost } from './state.js';
import { readPidRecords } from '../pids.js';
import { cmdlineIncludes } from '../processes.js';
import type { LoopbackHostStatus, LoopbackStatus, RecordedPid } from '../types.js';

async function hostStatus(dir: string, h: LoopbackHost): Promise<LoopbackHostStatus> {
  const fromFile = Number(
    (await readFile(sshdPidPath(dir, h.name), 'utf8').catch(() => '')).trim(),
  );
  const pid = h.sshdPid ?? (Number.isInteger(fromFile) && fromFile > 1 ? fromFile : null);
  const alive = pid !== null && (await cmdlineIncludes(pid, sshdConfigPath(dir, h.name)));
  return { name: h.name, address: LOOPBACK_ADDRESS, port: h.port, sshdPid: pid, sshdAlive: alive };
}

/** The loopback lab in `dir`; a LabError when there is none (see labModeOf). */
export async function loopbackStatus(dir: string): Promise<LoopbackStatus> {
  const abs = normalizeDir(dir);
  const state = await readLoopbackState(abs);
  if (!state) {
    throw new LabError(`no lab in ${abs} (no lab.json)`);
  }
  const hosts = await Promise.all(state.hosts.map((h) => hostStatus(abs, h)));
  const recorded: RecordedPid[] = await Promise.all(
    (await readPidRecords(abs)).map(async (r) => ({
      name: r.name,
      pid: r.pid,
      alive: await cmdlineIncludes(r.pid, r.cmdline),
    })),
  );
  return {
    mode: 'loopback',
    dir: abs,
    user: state.user,
    phase: state.phase,
    hosts,
    recorded,
    healthy: state.phase === 'up' && hosts.every((h) => h.sshdAlive),
  };
}
