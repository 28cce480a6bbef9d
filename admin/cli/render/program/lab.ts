// Lab fleet output: progress lines, the built lab, its status.
import { formatSeconds } from '../duration.js';
import type { Lab, LabEvent, LabStatus } from '../../../lab/index.js';
import { foldNodeSet } from '../../../inventory/nodeset.js';

export function renderLabEvent(e: LabEvent): string {
  switch (e.kind) {
    case 'step':
      return `lab: ${e.message}\n`;
    case 'allocated':
      return `lab: bridge ${e.bridge}, subnet ${e.subnet}\n`;
    case 'host-up':
      return '';
    case 'ready':
      return `lab: ${e.hosts} hosts ready in ${formatSeconds(e.durationMs, { digits: 2, space: true })}\n`;
    case 'removed':
      return `lab: removed ${e.what}\n`;
  }
}

export function renderLab(lab: Lab, ms: number): string {
  const first = lab.hosts[0]?.name ?? 'cloud1';
  return [
    `lab ${lab.id} up: ${lab.hosts.length} hosts on ${lab.bridge} (${lab.subnet}) in ${formatSeconds(ms, { digits: 2, space: true })}`,
    `  services file  ${lab.servicesFile}`,
    `  known_hosts    ${lab.knownHostsFile}`,
    `  ssh_config     ${lab.sshConfigFile}   (ssh -F ${lab.sshConfigFile} ${first} hostname)`,
    `  try:           salvo -s ${lab.servicesFile} exec 'cloud[1-${lab.hosts.length}]' -- uptime`,
    `  remove:        salvo lab down --dir ${lab.dir}`,
    '',
  ].join('\n');
}

export function renderLabStatus(s: LabStatus): string {
  if (!s.exists) {
    return `no lab in ${s.dir}${s.leftovers.length ? `; leftovers: ${s.leftovers.join(', ')}` : ''}\n`;
  }
  const up = s.hosts.filter((h) => h.sshdAlive && h.netnsPresent).length;
  const lines = [
    `lab ${s.id} in ${s.dir}: ${up}/${s.hosts.length} hosts up, bridge ${s.bridge} ${s.bridgePresent ? 'present' : 'MISSING'}`,
  ];
  for (const h of s.hosts.filter((x) => !x.sshdAlive || !x.netnsPresent)) {
    lines.push(
      `  ${h.name}: ${h.netnsPresent ? '' : 'namespace missing; '}${h.sshdAlive ? '' : 'sshd down'}`,
    );
  }
  for (const p of s.recorded) {
    lines.push(`  process ${p.name} pid ${p.pid} ${p.alive ? 'running' : 'gone'}`);
  }
  if (s.leftovers.length) {
    lines.push(`  leftovers: ${s.leftovers.join(', ')}`);
  }
  lines.push(s.healthy ? 'healthy' : 'NOT healthy');
  return `${lines.join('\n')}\n`;
}

/**
 * What `lab down` removed, one entry per kind: `sshd cloud[1-200] (200)`, `veth s1-v[1-200] (200)`,
 * `/etc/netns/salvo1-cloud[1-200] (200)`; a kind with one item as it was reported
 * (`sshd 4242 (cloud1)`, `bridge salvo1`). 200 hosts used to print ~800 items on one line.
 */
export function renderRemoved(removed: readonly string[]): string {
  if (removed.length === 0) {
    return 'nothing to remove\n';
  }
  const groups = new Map<string, { items: string[]; labels: string[] }>();
  for (const item of removed) {
    const { kind, label } = removedKind(item);
    const group = groups.get(kind) ?? { items: [], labels: [] };
    group.items.push(item);
    group.labels.push(label);
    groups.set(kind, group);
  }
  const parts = [...groups].map(([kind, { items, labels }]) =>
    items.length === 1 ? items[0]! : `${kind}${foldedOrListed(labels)} (${items.length})`,
  );
  return `removed: ${parts.join(', ')}\n`;
}

/** `sshd 4242 (cloud1)` → sshd/cloud1; `veth s1-v1` → veth/s1-v1; `/etc/netns/x` → /etc/netns//x. */
function removedKind(item: string): { kind: string; label: string } {
  const process = /^(\S+) \d+ \((\S+)\)$/.exec(item);
  if (process) {
    return { kind: `${process[1]} `, label: process[2]! };
  }
  const named = /^([a-z]+) (\S+)$/.exec(item);
  if (named) {
    return { kind: `${named[1]} `, label: named[2]! };
  }
  const slash = item.lastIndexOf('/');
  return { kind: item.slice(0, slash + 1), label: item.slice(slash + 1) };
}

function foldedOrListed(labels: string[]): string {
  try {
    return foldNodeSet(labels);
  } catch {
    return labels.join(',');
  }
}
