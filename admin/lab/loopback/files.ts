import { nodeSet, sshDefaults } from '../client-files.js';
import { keyBody } from '../keys.js';
import { hostDir, sshdPidPath } from '../netns/index.js';
import {
  authorizedKeysPath,
  homeDir,
  LOOPBACK_ADDRESS,
  type LoopbackHost,
  type LoopbackState,
} from './state.js';

/**
 * An sshd that runs as `user` (root or not) and lets in only `user` with the keys in
 * DIR/authorized_keys. What an unprivileged sshd needs: UsePAM no (PAM wants root), StrictModes
 * no (the lab dir may sit in a shared /tmp), every file it writes inside DIR, no privileged port.
 * MaxStartups and MaxSessions as in the netns lab (MaxSessions stays at OpenSSH's 10).
 */
export function loopbackSshdConfig(dir: string, user: string, h: LoopbackHost): string {
  const d = hostDir(dir, h.name);
  return [
    `# salvo loopback lab host ${h.name}: its own sshd, port, host key and pid file, running as ${user}`,
    `ListenAddress ${LOOPBACK_ADDRESS}:${h.port}`,
    'AddressFamily inet',
    `HostKey ${d}/ssh_host_ed25519_key`,
    `PidFile ${sshdPidPath(dir, h.name)}`,
    `AuthorizedKeysFile ${authorizedKeysPath(dir)}`,
    // One AuthorizedKeysFile serves every account: as root, without this the admin key would open them all.
    `AllowUsers ${user}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'MaxStartups 200:30:400',
    'MaxSessions 10',
    'LoginGraceTime 30',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel VERBOSE',
    'Subsystem sftp internal-sftp',
    // `hostname` is the same on every host: SALVO_LAB_HOST tells them apart. HOME: see homeDir.
    `SetEnv SALVO_LAB_HOST=${h.name} HOME=${homeDir(dir, h.name)}`,
    '',
  ].join('\n');
}

/** `[127.0.0.1]:PORT ssh-ed25519 AAAA…` per host: how OpenSSH and Salvo look up a non-22 port. */
export function loopbackKnownHosts(hosts: readonly LoopbackHost[]): string {
  return hosts.map((h) => `[${LOOPBACK_ADDRESS}]:${h.port} ${keyBody(h.hostKey)}\n`).join('');
}

/** `ssh -F DIR/ssh_config cloud1 'echo $SALVO_LAB_HOST'` works with no prompt and no agent. */
export function loopbackSshConfig(state: LoopbackState): string {
  const blocks = state.hosts.map(
    (h) => `Host ${h.name}\n  HostName ${LOOPBACK_ADDRESS}\n  Port ${h.port}\n`,
  );
  return [
    `# salvo loopback lab in ${state.dir}`,
    ...blocks,
    ...sshDefaults(state.dir, state.user),
  ].join('\n');
}

/**
 * services.yaml (docs/services-file.md), paths relative to DIR. Hosts and ssh only, one entry per
 * host for its port: the hosts share this machine's filesystem, ports and processes, so services
 * placed on two of them would collide.
 */
export function loopbackServicesYaml(state: LoopbackState): string {
  const q = (s: string): string => JSON.stringify(s);
  const all = nodeSet(state.namePrefix, state.hosts.length);
  return [
    `# A loopback lab: ${state.hosts.length} sshds on ${LOOPBACK_ADDRESS}, one port each, all running as`,
    `# ${state.user} on this machine's one filesystem (no services). Written by salvo lab up --loopback.`,
    'deployment: lab',
    'ssh:',
    `  user: ${q(state.user)}`,
    '  identity: ./id_ed25519',
    '  known_hosts: ./known_hosts',
    '  config: null',
    '  concurrency: 64',
    'hosts:',
    ...state.hosts.map(
      (h) => `  ${q(h.name)}: { address: ${q(LOOPBACK_ADDRESS)}, port: ${h.port} }`,
    ),
    'groups:',
    `  all: ${q(all)}`,
    '',
  ].join('\n');
}
