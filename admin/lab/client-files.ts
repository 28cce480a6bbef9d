// Text of the client-side files in DIR: ssh_config (for plain OpenSSH), services.yaml, hosts.txt.
// Pure: rendering only. known_hosts comes from netns/host-files.ts (the same text serves both sides).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostAddress, type LabState, type StateHost } from './netns/state.js';
import { LAB_IMAGE_NAME } from './vm-image/index.js';

/** `cloud[1-5]`, or `cloud1` for one host; lab hosts are always numbered 1..N. */
export function nodeSet(prefix: string, count: number): string {
  return count === 1 ? `${prefix}1` : `${prefix}[1-${count}]`;
}

/** `ssh -F DIR/ssh_config cloud1 hostname` works with no prompt and no agent. */
export function sshConfig(dir: string, hosts: readonly StateHost[]): string {
  const blocks = hosts.map((h) => `Host ${h.name}\n  HostName ${h.address}\n`);
  return [`# salvo lab fleet in ${dir}`, ...blocks, ...sshDefaults(dir, 'root')].join('\n');
}

/** The `Host *` block of both kinds of lab: the lab's key and known_hosts only, never a prompt. */
export function sshDefaults(dir: string, user: string): string[] {
  return [
    'Host *',
    `  User ${user}`,
    `  IdentityFile ${join(dir, 'id_ed25519')}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  KexAlgorithms curve25519-sha256',
    '  ConnectTimeout 10',
    '  LogLevel ERROR',
    '',
  ];
}

/** Where the lab's stand-in daemons are built (dist/admin/lab/standins/), and the node that runs them. */
export interface StandIns {
  node: string;
  dir: string;
}

/**
 * dist/admin/lab/standins, seen from this module, or from the bundle (dist/cli/salvo.cjs), whose
 * modules all share the bundle's import.meta.url. bin/bundle.mjs defines __SALVO_BUNDLE__.
 */
export const STANDINS_FROM = { module: './standins', bundle: '../admin/lab/standins' } as const;

declare const __SALVO_BUNDLE__: true | undefined;
const BUNDLED = typeof __SALVO_BUNDLE__ !== 'undefined';

export const STANDINS: StandIns = {
  node: process.execPath,
  dir: fileURLToPath(
    new URL(BUNDLED ? STANDINS_FROM.bundle : STANDINS_FROM.module, import.meta.url),
  ),
};

/** `cloud[a-b]` within 1..count (clamped), for the lab's groups. */
function span(prefix: string, count: number, from: number, to: number): string {
  const a = Math.min(from, count);
  const b = Math.min(to, count);
  return a === b ? `${prefix}${a}` : `${prefix}[${a}-${b}]`;
}

/** The host numbers `span` names. */
function spanNumbers(count: number, from: number, to: number): number[] {
  const a = Math.min(from, count);
  const b = Math.min(to, count);
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

/** Where the nodetool stand-in writes SSTables and snapshots, in Cassandra's layout (each host's own /srv). */
export const LAB_CASSANDRA_DATA = '/srv/cassandra/data';

/** Where the CQL simulator keeps a node's data (on each host's own /srv), so a restart keeps it. */
const DATA_FILE = '{dir}/data/cassandra.{instance}.json';

/**
 * services.yaml for the lab deployment (format: docs/services-file.md); paths relative to DIR.
 * Services: hub ×2, snap and a real nginx on @web (cloud1-2), haproxy on @edge (cloud3) in front
 * of the hubs and of nginx (/static/), the CQL simulator on @db (cloud3-5); the stand-ins run
 * from this repo's dist/, so `salvo start all` works on any lab (small labs fold the groups onto
 * the hosts they have).
 */
export function servicesYaml(state: LabState, standIns: StandIns = STANDINS): string {
  const all = nodeSet(state.namePrefix, state.hosts.length);
  const n = state.hosts.length;
  const q = (s: string): string => JSON.stringify(s);
  const run = (file: string, ...args: string[]): string =>
    `[${[standIns.node, join(standIns.dir, file), ...args].map(q).join(', ')}]`;
  const ring = spanNumbers(n, 3, 5)
    .map((k) => hostAddress(state.id, k))
    .join(',');
  const app = (kind: string, ...extra: string[]): string =>
    run(
      'app.js',
      '--kind',
      kind,
      '--id',
      '{id}',
      '--port',
      '{port}',
      '--version',
      '{version}',
      ...extra,
    );
  return [
    `# The lab fleet ${state.id}: ${n} hosts on bridge ${state.bridge}, ${state.subnet}. Written by salvo lab.`,
    'deployment: lab',
    'ports: { haproxy: 8000, haproxy_stats: 8404, hub: 5000, hub_proxy: 5100, snap: 5200, nginx: 8080, cassandra_native: 9042, cassandra_internode: [7000, 7001] }',
    'ssh:',
    '  user: root',
    '  identity: ./id_ed25519',
    '  known_hosts: ./known_hosts',
    '  config: null',
    '  concurrency: 64',
    'hosts:',
    `  ${q(all)}: { address: ${q(`198.18.${state.id}.{n}`)}, vpn: ${q('10.1.{n}.1')} }`,
    ...(state.vms ?? []).map((v) => `  ${v.name}: { vm_on: ${v.host}, address: ${v.address} }`),
    'groups:',
    `  all: ${q(all)}`,
    `  web: ${q(span(state.namePrefix, n, 1, 2))}`,
    `  edge: ${q(span(state.namePrefix, n, 3, 3))}`,
    `  db: ${q(span(state.namePrefix, n, 3, 5))}`,
    '# File order is start order: the database, the app servers, then haproxy in front of them.',
    'services:',
    ...vmService(state),
    '  cassandra:',
    '    hosts: "@db"',
    '    version: "4.1.5"',
    `    command: ${run('cassandra.js', '--id', '{id}', '--host', '{address}', '--port', '{native_port}', '--ring', ring, '--version', '{version}', '--data-file', DATA_FILE)}`,
    '    # Lab only: a nodetool stand-in that asks the local simulator and prints real nodetool formats.',
    `    nodetool: ${run('nodetool.js', '--self', '{address}', '--cassandra-version', '{version}', '--data-dir', LAB_CASSANDRA_DATA)}`,
    "  # Hubs exit on TERM without finishing requests, as SMC's node hubs do: only draining them in",
    '  # haproxy before a stop keeps a rolling restart from dropping requests.',
    '  # POST /projects?id=P places a project on a compute server whose status is on in the',
    "  # compute_servers table, read through CQL as the hub user (its password: auth-init's secret).",
    '  hub:',
    '    hosts: "@web"',
    '    instances: 2',
    '    version: "1.0.0"',
    `    command: ${app('hub', '--on-term', 'exit', '--cql', ring, '--cql-password-file', join(state.dir, 'secrets', 'lab', 'hub'))}`,
    '  # snap is not behind haproxy here; it stays graceful (finishes requests on TERM), so the lab',
    '  # also runs a daemon whose stop waits for its work to end.',
    '  snap:',
    '    hosts: "@web"',
    '    version: "1.0.0"',
    "  # It writes a snapshot every second into {dir}/snapshots/snap.{instance} (the monitor's",
    '  # progress check reads their age; GET /control/stop-snapshots makes it stuck).',
    `    command: ${app('snap', '--snapshots', '{dir}/snapshots/snap.{instance}', '--snapshot-every', '1')}`,
    "  # The real nginx (Debian's package, .ci/setup installs it), its config rendered by salvo; it serves",
    "  # each host's own /srv/salvo/lab/static, at /static/ through haproxy.",
    '  nginx: { hosts: "@web", worker_processes: 1 }',
    '  haproxy: { hosts: "@edge", backends: [hub, nginx] }',
    ...(n >= 2
      ? [
          "# Each host's /srv/data backed up to other hosts (salvo backup run; docs/backup.md).",
          'backup: { rules: ./backup-rules.yaml }',
        ]
      : []),
    '',
  ].join('\n');
}

/**
 * The lab's backup rules: every host's /srv/data to the next two hosts (one in a lab of two), and
 * each db host's Cassandra (a `nodetool snapshot`) the same way.
 */
export function backupRulesYaml(state: LabState): string {
  const copies = Math.min(2, state.hosts.length - 1);
  const n = state.hosts.length;
  return [
    '# Backups of the lab (docs/backup.md). Written by salvo lab. The cron file and script go under',
    "# /srv: /etc/cron.d and /usr/local are shared by every lab host, each host's /srv is its own.",
    'root: /srv/backup',
    'cron: { file: /srv/salvo/cron.d/salvo-backup, script: /srv/salvo/sbin/salvo-backup, log: /var/log/salvo-backup.log }',
    'sets:',
    '  data:',
    '    hosts: "@all"',
    '    paths: [/srv/data]',
    `    copies: ${copies}`,
    '    retention: { last: 3, daily: 7 }',
    '    max_age: 26h',
    '  cassandra:',
    '    type: cassandra',
    '    hosts: "@db"',
    `    data: ${LAB_CASSANDRA_DATA}`,
    `    targets: ${JSON.stringify(nodeSet(state.namePrefix, n))}`,
    `    copies: ${copies}`,
    '    retention: { last: 3, daily: 7 }',
    '    max_age: 26h',
    '',
  ].join('\n');
}

/** The vm service of a lab with guests: TCG-sized guests on each host's own br0 and /srv. */
function vmService(state: LabState): string[] {
  const vms = state.vms ?? [];
  if (vms.length === 0) {
    return [];
  }
  return [
    '  # qemu guests (salvo lab up --vms K): the image is built from Debian packages, docs/vm.md.',
    '  vm:',
    `    hosts: ${JSON.stringify(vms.length === 1 ? 'vm1' : `vm[1-${vms.length}]`)}`,
    `    base: ${LAB_IMAGE_NAME}`,
    '    memory: 0.125',
    '    disks: { data: 0.0625 }',
    `    bridge: ${LAB_VM_BRIDGE}`,
    `    dir: ${LAB_VM_DIR}`,
    '    stop_timeout: 20',
  ];
}

export const LAB_VM_BRIDGE = 'br0';
export const LAB_VM_DIR = '/srv/salvo-vm';

export function hostsTxt(hosts: readonly StateHost[]): string {
  return hosts.map((h) => `${h.name}\n`).join('');
}
