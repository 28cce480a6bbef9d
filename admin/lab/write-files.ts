// Write the lab's files: the admin key, each host's directory, the files every host shares
// (authorized_keys, known_hosts, /etc/hosts) and the client files in DIR.
import { existsSync } from 'node:fs';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostsTxt, servicesYaml, sshConfig } from './client-files.js';
import {
  authorizedKeys,
  etcHosts,
  fstab,
  knownHosts,
  profile,
  rootSshConfig,
  sshdConfig,
} from './netns/index.js';
import type { KeyPair } from './keys.js';
import { etcNetnsDir, hostDir, type LabState, type StateHost } from './netns/index.js';

/** Write `text` to `path` through a temp file and a rename. */
export async function writeAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode); // the umask may have narrowed it
  await rename(tmp, path);
}

export async function writeAdminKey(dir: string, key: KeyPair): Promise<void> {
  await writeAtomic(join(dir, 'id_ed25519'), key.privateKey, 0o600);
  await writeAtomic(join(dir, 'id_ed25519.pub'), `${key.publicKey}\n`, 0o600);
}

export interface HostKeys {
  hostKey: KeyPair;
  rootKey: KeyPair;
}

/** DIR/NAME: private /srv, /root, /etc/tinc, /var/log, /run; sshd files; /etc/netns/NS/hostname. */
export async function writeHostDir(dir: string, h: StateHost, keys: HostKeys): Promise<void> {
  const d = hostDir(dir, h.name);
  await mkdir(d);
  for (const sub of ['srv', 'etc-tinc', 'var-log', 'run', 'run/sshd', 'run/lock']) {
    await mkdir(join(d, sub));
  }
  for (const sub of ['root', 'root/.ssh']) {
    await mkdir(join(d, sub), { mode: 0o700 });
  }
  await chmod(join(d, 'run/lock'), 0o1777);
  const etc = etcNetnsDir(h.netns);
  await Promise.all([
    writeFile(join(d, 'sshd_config'), sshdConfig(dir, h)),
    writeFile(join(d, 'fstab'), fstab(dir, h, existsSync)),
    writeFile(join(d, 'ssh_host_ed25519_key'), keys.hostKey.privateKey, { mode: 0o600 }), // fresh files: mode holds
    writeFile(join(d, 'root/.ssh/id_ed25519'), keys.rootKey.privateKey, { mode: 0o600 }),
    writeFile(join(d, 'root/.ssh/id_ed25519.pub'), `${keys.rootKey.publicKey}\n`),
    writeFile(join(d, 'root/.ssh/config'), rootSshConfig(), { mode: 0o600 }),
    writeFile(join(d, 'root/.profile'), profile(h)),
    mkdir(etc, { recursive: true }).then(() => writeFile(join(etc, 'hostname'), `${h.name}\n`)),
  ]);
}

/**
 * Files that list every host, rewritten whenever the lab grows. /etc/netns/NS/hosts is written in
 * place: `ip netns exec` bind-mounted that very inode over /etc/hosts in the running host.
 */
export async function writeSharedFiles(state: LabState): Promise<void> {
  const keys = authorizedKeys(state.adminKey, state.hosts);
  const known = knownHosts(state.hosts);
  const hostsFile = etcHosts(state.hosts);
  await Promise.all(
    state.hosts.map(async (h) => {
      const ssh = join(hostDir(state.dir, h.name), 'root/.ssh');
      await writeAtomic(join(ssh, 'authorized_keys'), keys, 0o600);
      await writeAtomic(join(ssh, 'known_hosts'), known, 0o644);
      await writeFile(join(etcNetnsDir(h.netns), 'hosts'), hostsFile);
    }),
  );
  await writeAtomic(join(state.dir, 'known_hosts'), known);
  await writeAtomic(join(state.dir, 'ssh_config'), sshConfig(state.dir, state.hosts));
  await writeAtomic(join(state.dir, 'services.yaml'), servicesYaml(state));
  await writeAtomic(join(state.dir, 'hosts.txt'), hostsTxt(state.hosts));
}
