// DIR/lab.json: everything labDown needs, written (temp + rename) before each kernel object is made.
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LabError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/index.js';
import type { Lab, LabHost } from '../types.js';

export const DEFAULT_DIR = '/tmp/salvo-lab';
export const MAX_HOSTS = 250;

export interface StateHost {
  name: string;
  n: number;
  address: string;
  netns: string;
  veth: string; // root-side end, on the bridge
  sshdPid: number | null; // null until the sshd is ready
  hostKey: string; // 'ssh-ed25519 AAAA…' (public)
  rootKey: string; // the host's own root key (public), trusted by every host
}

export interface LabState {
  version: 1;
  dir: string;
  id: number;
  bridge: string;
  subnet: string; // 198.18.L.0/24
  namePrefix: string;
  adminKey: string; // DIR/id_ed25519.pub
  phase: 'building' | 'up';
  hosts: StateHost[];
  /** Guests `lab up --vms K` added to the services file (admin/lab/netns/vms.ts). */
  vms?: StateVm[];
}

export interface StateVm {
  name: string; // vm1
  host: string; // the lab host it runs on (vm_on)
  address: string; // 198.18.L.(200+i)
}

const SAFE_DIR = /^\/[A-Za-z0-9_./-]+$/;

/** Absolute, and plain enough to sit unquoted in sshd_config, fstab and shell text. */
export function normalizeDir(dir: string | undefined): string {
  const abs = resolve(dir ?? DEFAULT_DIR);
  if (!SAFE_DIR.test(abs) || abs === '/') {
    throw new LabError(
      `lab dir ${JSON.stringify(abs)}: use a path of letters, digits, '_', '.', '-' and '/'`,
    );
  }
  return abs;
}

export const statePath = (dir: string): string => join(dir, 'lab.json');
export const hostDir = (dir: string, name: string): string => join(dir, name);
export const sshdConfigPath = (dir: string, name: string): string => join(dir, name, 'sshd_config');
export const sshdPidPath = (dir: string, name: string): string => join(dir, name, 'sshd.pid');
export const pidsDir = (dir: string): string => join(dir, 'pids');
export const etcNetnsDir = (netns: string): string => join('/etc/netns', netns);

export const bridgeName = (id: number): string => `salvo${id}`;
export const netnsName = (id: number, name: string): string => `salvo${id}-${name}`;
export const vethName = (id: number, n: number): string => `s${id}-v${n}`; // ≤ 9 chars
export const hostAddress = (id: number, n: number): string => `198.18.${id}.${n}`;
export const bridgeAddress = (id: number): string => `198.18.${id}.254`;
export const subnetOf = (id: number): string => `198.18.${id}.0/24`;

/** Read DIR/lab.json; undefined when there is none. */
export async function readState(dir: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath(dir), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
  const state = JSON.parse(text) as LabState;
  if ((state as { mode?: unknown }).mode === 'loopback') {
    throw new LabError(
      `${dir} holds a loopback lab (lab up --loopback): salvo lab status|down handle it (loopbackStatus, loopbackDown)`,
    );
  }
  if (state.version !== 1 || typeof state.id !== 'number' || !Array.isArray(state.hosts)) {
    throw new LabError(`${statePath(dir)}: not a lab state file this version understands`);
  }
  return state;
}

export async function writeState(state: LabState): Promise<void> {
  await mkdir(state.dir, { recursive: true });
  await writeFileAtomic(statePath(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

/** The public view of a state whose sshds are all up. */
export function toLab(state: LabState): Lab {
  const hosts: LabHost[] = state.hosts.map((h) => ({
    name: h.name,
    n: h.n,
    address: h.address,
    netns: h.netns,
    sshdPid: h.sshdPid ?? 0,
    dir: hostDir(state.dir, h.name),
  }));
  return {
    dir: state.dir,
    id: state.id,
    bridge: state.bridge,
    subnet: state.subnet,
    hosts,
    servicesFile: join(state.dir, 'services.yaml'),
    knownHostsFile: join(state.dir, 'known_hosts'),
    sshConfigFile: join(state.dir, 'ssh_config'),
    identityFile: join(state.dir, 'id_ed25519'),
  };
}
