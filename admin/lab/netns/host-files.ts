// Text of the files each lab host runs on: sshd_config, fstab of its private dirs, the starter
// script, /etc/hosts, authorized_keys, known_hosts. Pure: rendering only.
import { keyBody } from '../keys.js';
import { hostDir, sshdConfigPath, sshdPidPath, type StateHost } from './state.js';

/** Host dir entry → mount point: bind-mounted in the host's own mount namespace. */
const PRIVATE_MOUNTS: readonly (readonly [string, string])[] = [
  ['srv', '/srv'],
  ['root', '/root'],
  ['etc-tinc', '/etc/tinc'],
  ['var-log', '/var/log'],
  ['run', '/run'],
];

/** OpenSSH defaults except MaxStartups; MaxSessions stays at 10 on purpose (Salvo lives within it). */
export function sshdConfig(dir: string, h: StateHost): string {
  const d = hostDir(dir, h.name);
  return [
    `# salvo lab host ${h.name}: its own sshd, host key and pid file`,
    `ListenAddress ${h.address}:22`,
    `HostKey ${d}/ssh_host_ed25519_key`,
    `PidFile ${sshdPidPath(dir, h.name)}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'AuthorizedKeysFile .ssh/authorized_keys',
    'UsePAM no',
    'UseDNS no',
    'MaxStartups 200:30:400',
    'LoginGraceTime 30',
    'PrintMotd no',
    'PrintLastLog no',
    'AcceptEnv LANG LC_*',
    'Subsystem sftp internal-sftp',
    `SetEnv SALVO_LAB_HOST=${h.name}`,
    '',
  ].join('\n');
}

/**
 * The host's mounts for `mount -a -T`: its own sysfs (showing its own interfaces), its
 * /etc/hosts and /etc/hostname from /etc/netns/NS (as `ip netns exec` would bind them), and its
 * private dirs. Only mount points that exist on this machine.
 */
export function fstab(dir: string, h: StateHost, exists: (path: string) => boolean): string {
  const etc = `/etc/netns/${h.netns}`;
  const lines = [
    'salvo-sysfs /sys sysfs rw,nosuid,nodev,noexec 0 0', // a source name of its own, or mount -a skips it
    `${etc}/hosts /etc/hosts none bind 0 0`,
    `${etc}/hostname /etc/hostname none bind 0 0`,
    ...PRIVATE_MOUNTS.filter(([, target]) => exists(target)).map(
      ([source, target]) => `${hostDir(dir, h.name)}/${source} ${target} none bind 0 0`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** `ip -batch` lines run inside the host's namespace. */
function ipBatch(h: StateHost): string {
  return `link set lo up\naddr add ${h.address}/24 dev eth0\nlink set eth0 up\n`;
}

/** How a host starts: enter its network namespace, make its own mount and UTS namespaces. */
export function starterArgv(dir: string, h: StateHost): string[] {
  return [
    'nsenter',
    `--net=/run/netns/${h.netns}`,
    'unshare',
    '--mount',
    '--uts',
    '--propagation',
    'private',
    'sh',
    '-c',
    starterScript(dir, h),
  ];
}

/**
 * IPv6 off, hostname, mounts, addresses, then sshd, which daemonizes and keeps the namespaces
 * alive for every session. Private propagation: mounts made later in the root namespace (other
 * labs' /run/netns entries) are not copied into every running host.
 */
export function starterScript(dir: string, h: StateHost): string {
  const d = hostDir(dir, h.name);
  const steps = [
    'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6',
    'echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6',
    `echo ${h.name} > /proc/sys/kernel/hostname`,
    `mount -a -T ${d}/fstab`,
    "ip -batch - <<'EOF'",
    `exec /usr/sbin/sshd -f ${sshdConfigPath(dir, h.name)} -E ${d}/sshd.log`,
  ];
  return `${steps.join(' && ')}\n${ipBatch(h)}EOF\n`;
}

/** /etc/netns/NS/hosts: every lab host by name (bind-mounted over /etc/hosts inside the host). */
export function etcHosts(hosts: readonly StateHost[]): string {
  return ['127.0.0.1 localhost', ...hosts.map((h) => `${h.address} ${h.name}`), ''].join('\n');
}

/** The admin key plus every host's root key: hosts can ssh (and rsync) to each other. */
export function authorizedKeys(adminKey: string, hosts: readonly StateHost[]): string {
  return [adminKey, ...hosts.map((h) => h.rootKey), ''].join('\n');
}

/** `cloud3,198.18.L.3 ssh-ed25519 AAAA…` per host. */
export function knownHosts(hosts: readonly StateHost[]): string {
  return hosts.map((h) => `${h.name},${h.address} ${keyBody(h.hostKey)}\n`).join('');
}

/** /root/.ssh/config inside a host: for host-to-host ssh by name. */
export function rootSshConfig(): string {
  return [
    'Host *',
    '  BatchMode yes',
    '  StrictHostKeyChecking yes',
    '  KexAlgorithms curve25519-sha256',
    '  ConnectTimeout 10',
    '  LogLevel ERROR',
    '',
  ].join('\n');
}

/** A minimal /root/.profile (the machine's own /root/.bashrc runs pyenv: 100 ms per command). */
export function profile(h: StateHost): string {
  return `# salvo lab host ${h.name}\nexport PS1='\\u@\\h:\\w\\$ '\n`;
}
