// The one lab fleet the benchmark runs on: built in a fresh temp dir and always torn down, or
// (--lab DIR) an existing lab that is used as is and left running.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labStatus, labUp, type LabEvent } from '../../admin/lab/index.js';
import { since } from './measure.js';

export interface BenchLab {
  dir: string;
  servicesFile: string;
  sshConfig: string;
  knownHosts: string;
  identity: string;
  hosts: number;
  /** The listening sshd of each host: their reaped children are the server-side CPU. */
  sshdPids: number[];
  /** Built by us, so torn down by us. */
  owned: boolean;
  upS?: number;
}

function files(
  dir: string,
): Pick<BenchLab, 'servicesFile' | 'sshConfig' | 'knownHosts' | 'identity'> {
  return {
    servicesFile: join(dir, 'services.yaml'),
    sshConfig: join(dir, 'ssh_config'),
    knownHosts: join(dir, 'known_hosts'),
    identity: join(dir, 'id_ed25519'),
  };
}

/** A temp dir for the lab; made first so that teardown knows where to look whatever happens. */
export function labDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'salvo-bench-lab-'));
}

export async function buildLab(
  dir: string,
  hosts: number,
  say: (s: string) => void,
): Promise<BenchLab> {
  const t0 = process.hrtime.bigint();
  const onEvent = (e: LabEvent): void => {
    if (e.kind === 'step' || e.kind === 'allocated') {
      say(
        `  lab: ${e.kind === 'step' ? e.message : `id ${e.id}, bridge ${e.bridge}, ${e.subnet}`}`,
      );
    }
  };
  const lab = await labUp({ hosts, dir }, onEvent);
  const upS = since(t0);
  return {
    dir,
    ...files(dir),
    hosts: lab.hosts.length,
    sshdPids: lab.hosts.map((h) => h.sshdPid),
    owned: true,
    upS,
  };
}

export async function useExistingLab(dir: string): Promise<BenchLab> {
  const st = await labStatus(dir);
  if (!st.exists || !st.healthy) {
    throw new Error(`--lab ${dir}: no healthy lab there (salvo lab status --dir ${dir})`);
  }
  const pids = st.hosts.map((h) => h.sshdPid).filter((p): p is number => p !== null);
  return { dir: st.dir, ...files(st.dir), hosts: st.hosts.length, sshdPids: pids, owned: false };
}

/** Tear down the lab we built in `dir` (safe when it never came up) and remove the dir. */
export async function destroyLab(dir: string): Promise<void> {
  await labDown(dir); // nothing there (no lab.json) → does nothing
  await rm(dir, { recursive: true, force: true });
}
