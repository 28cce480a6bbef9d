// DIR/lab.json of a loopback lab (mode 'loopback'): one sshd per host on 127.0.0.1, no kernel
// objects. The netns lab's lab.json has no `mode`; labModeOf tells the two apart for status/down.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/index.js';
import { hostDir, normalizeDir, statePath } from '../netns/index.js';
import type { LoopbackLab } from '../types.js';

/** Every loopback host listens here; nothing of a loopback lab ever leaves 127.0.0.0/8. */
export const LOOPBACK_ADDRESS = '127.0.0.1';

export interface LoopbackHost {
  name: string;
  n: number;
  port: number;
  sshdPid: number | null; // null until its sshd is ready
  hostKey: string; // 'ssh-ed25519 AAAA…' (public)
}

export interface LoopbackState {
  version: 1;
  mode: 'loopback';
  dir: string;
  namePrefix: string;
  user: string; // the account every sshd runs as and the only one it lets in
  adminKey: string; // DIR/id_ed25519.pub
  phase: 'building' | 'up';
  hosts: LoopbackHost[];
}

export type LabMode = 'netns' | 'loopback';

/** DIR/authorized_keys: the admin key alone, for every host (AuthorizedKeysFile points here). */
export const authorizedKeysPath = (dir: string): string => join(dir, 'authorized_keys');
/** The host's $HOME (sshd SetEnv): keeps the account's own shell rc files out of lab commands. */
export const homeDir = (dir: string, name: string): string => join(hostDir(dir, name), 'home');
export const sshdLogPath = (dir: string, name: string): string =>
  join(hostDir(dir, name), 'sshd.log');

async function readJson(dir: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(statePath(dir), 'utf8')) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
}

/** Which kind of lab DIR holds (a lab.json without `mode` is a netns lab), or undefined for none. */
export async function labModeOf(dir: string): Promise<LabMode | undefined> {
  const json = await readJson(normalizeDir(dir));
  if (!json) {
    return undefined;
  }
  return json.mode === 'loopback' ? 'loopback' : 'netns';
}

/** Read a loopback lab's state; undefined when DIR has no lab.json. */
export async function readLoopbackState(dir: string): Promise<LoopbackState | undefined> {
  const json = await readJson(dir);
  if (!json) {
    return undefined;
  }
  if (json.mode !== 'loopback' || json.version !== 1 || !Array.isArray(json.hosts)) {
    throw new LabError(
      `${statePath(dir)}: not a loopback lab (a netns lab is handled by labDown/labStatus)`,
    );
  }
  return json as unknown as LoopbackState;
}

export async function writeLoopbackState(state: LoopbackState): Promise<void> {
  await writeFileAtomic(statePath(state.dir), `${JSON.stringify(state, null, 2)}\n`);
}

/** The public view of a state whose sshds are all up. */
export function toLoopbackLab(state: LoopbackState): LoopbackLab {
  return {
    mode: 'loopback',
    dir: state.dir,
    user: state.user,
    address: LOOPBACK_ADDRESS,
    hosts: state.hosts.map((h) => ({
      name: h.name,
      n: h.n,
      port: h.port,
      sshdPid: h.sshdPid ?? 0,
      dir: hostDir(state.dir, h.name),
    })),
    servicesFile: join(state.dir, 'services.yaml'),
    knownHostsFile: join(state.dir, 'known_hosts'),
    sshConfigFile: join(state.dir, 'ssh_config'),
    identityFile: join(state.dir, 'id_ed25519'),
  };
}
