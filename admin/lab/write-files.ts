// Write the lab's files: the admin key, each host's directory, the files every host shares
// (authorized_keys, known_hosts, /etc/hosts) and the client files in DIR.
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/index.js';
import { backupRulesYaml, hostsTxt, servicesYaml, sshConfig } from './client-files.js';
import {
  authorizedKeys,
  etcHosts,
  fstab,
  knownHosts,
  profile,
  rootSshConfig,
  sshdConfig,
} from './netns/host-files.js';
import type { KeyPair } from './keys.js';
import { etcNetnsDir, hostDir, type LabState, type StateHost } from './netns/state.js';

export async function writeAdminKey(dir: string, key: KeyPair): Promise<void> {
  await writeFileAtomic(join(dir, 'id_ed25519'), key.privateKey, { mode: 0o600 });
  await writeFileAtomic(join(dir, 'id_ed25519.pub'), `${key.publicKey}\n`, { mode: 0o600 });
}

export interface HostKeys {
  hostKey: KeyPair;
  rootKey: KeyPair;
}

/** DIR/NAME: private /srv, /root, /etc/tinc, /var/log, /run; sshd files; /etc/netns/NS/hostname. */
export async function writeHostDir(dir: string, h: StateHost, keys: HostKeys): Promise<void> {
  const d = hostDir(dir, h.name);
  await mkdir(d);
  for (const sub of ['srv', 'srv/data', 'etc-tinc', 'var-log', 'run', 'run/sshd', 'run/lock']) {
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
    writeFile(join(d, 'srv/data/README'), `${h.name}'s data, backed up by salvo backup run\n`),
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
      await writeFileAtomic(join(ssh, 'authorized_keys'), keys, { mode: 0o600 });
      await writeFileAtomic(join(ssh, 'known_hosts'), known, { mode: 0o644 });
      await writeFile(join(etcNetnsDir(h.netns), 'hosts'), hostsFile);
    }),
  );
  await writeFileAtomic(join(state.dir, 'known_hosts'), known, { mode: 0o644 });
  await writeFileAtomic(join(state.dir, 'ssh_config'), sshConfig(state.dir, state.hosts), {
    mode: 0o644,
  });
  await writeFileAtomic(join(state.dir, 'backup-rules.yaml'), backupRulesYaml(state), {
    mode: 0o644,
  });
  await writeFileAtomic(join(state.dir, 'services.yaml'), servicesYaml(state), { mode: 0o644 });
  await writeFileAtomic(join(state.dir, 'hosts.txt'), hostsTxt(state.hosts), { mode: 0o644 });
}
