// Text of the client-side files in DIR: ssh_config (for plain OpenSSH), services.yaml, hosts.txt.
// Pure: rendering only. known_hosts comes from host-files.ts (the same text serves both sides).
import { join } from 'node:path';
import type { LabState, StateHost } from './lab-state.js';

/** `cloud[1-5]`, or `cloud1` for one host; lab hosts are always numbered 1..N. */
export function nodeSet(prefix: string, count: number): string {
  return count === 1 ? `${prefix}1` : `${prefix}[1-${count}]`;
}

/** `ssh -F DIR/ssh_config cloud1 hostname` works with no prompt and no agent. */
export function sshConfig(dir: string, hosts: readonly StateHost[]): string {
  const blocks = hosts.map((h) => `Host ${h.name}\n  HostName ${h.address}\n`);
  const defaults = [
    'Host *',
    '  User root',
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
  return [`# salvo lab fleet in ${dir}`, ...blocks, ...defaults].join('\n');
}

/** services.yaml for the lab deployment (format: docs/services-file.md); paths relative to DIR. */
export function servicesYaml(state: LabState): string {
  const all = nodeSet(state.namePrefix, state.hosts.length);
  const web = nodeSet(state.namePrefix, Math.min(2, state.hosts.length));
  const q = (s: string): string => JSON.stringify(s);
  return [
    `# The lab fleet ${state.id}: ${state.hosts.length} hosts on bridge ${state.bridge}, ${state.subnet}. Written by salvo lab.`,
    'deployment: lab',
    'ssh:',
    '  user: root',
    '  identity: ./id_ed25519',
    '  known_hosts: ./known_hosts',
    '  config: null',
    '  concurrency: 64',
    'hosts:',
    `  ${q(all)}: { address: ${q(`198.18.${state.id}.{n}`)}, vpn: ${q('10.1.{n}.1')} }`,
    'groups:',
    `  all: ${q(all)}`,
    `  web: ${q(web)}`,
    '',
  ].join('\n');
}

export function hostsTxt(hosts: readonly StateHost[]): string {
  return hosts.map((h) => `${h.name}\n`).join('');
}
