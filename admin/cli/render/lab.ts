// Lab fleet output: progress lines, the built lab, its status.
import type { Lab, LabEvent, LabStatus } from '../../lab/index.js';

export function renderLabEvent(e: LabEvent): string {
  switch (e.kind) {
    case 'step': return `lab: ${e.message}\n`;
    case 'allocated': return `lab: bridge ${e.bridge}, subnet ${e.subnet}\n`;
    case 'host-up': return '';
    case 'ready': return `lab: ${e.hosts} hosts ready in ${(e.durationMs / 1000).toFixed(2)} s\n`;
    case 'removed': return `lab: removed ${e.what}\n`;
  }
}

export function renderLab(lab: Lab, ms: number): string {
  const first = lab.hosts[0]?.name ?? 'cloud1';
  return [
    `lab ${lab.id} up: ${lab.hosts.length} hosts on ${lab.bridge} (${lab.subnet}) in ${(ms / 1000).toFixed(2)} s`,
    `  services file  ${lab.servicesFile}`,
    `  known_hosts    ${lab.knownHostsFile}`,
    `  ssh_config     ${lab.sshConfigFile}   (ssh -F ${lab.sshConfigFile} ${first} hostname)`,
    `  try:           salvo -s ${lab.servicesFile} exec 'cloud[1-${lab.hosts.length}]' -- uptime`,
    `  remove:        salvo lab down --dir ${lab.dir}`,
    '',
  ].join('\n');
}

export function renderLabStatus(s: LabStatus): string {
  if (!s.exists) return `no lab in ${s.dir}${s.leftovers.length ? `; leftovers: ${s.leftovers.join(', ')}` : ''}\n`;
  const up = s.hosts.filter((h) => h.sshdAlive && h.netnsPresent).length;
  const lines = [`lab ${s.id} in ${s.dir}: ${up}/${s.hosts.length} hosts up, bridge ${s.bridge} ${s.bridgePresent ? 'present' : 'MISSING'}`];
  for (const h of s.hosts.filter((x) => !x.sshdAlive || !x.netnsPresent)) {
    lines.push(`  ${h.name}: ${h.netnsPresent ? '' : 'namespace missing; '}${h.sshdAlive ? '' : 'sshd down'}`);
  }
  for (const p of s.recorded) lines.push(`  process ${p.name} pid ${p.pid} ${p.alive ? 'running' : 'gone'}`);
  if (s.leftovers.length) lines.push(`  leftovers: ${s.leftovers.join(', ')}`);
  lines.push(s.healthy ? 'healthy' : 'NOT healthy');
  return `${lines.join('\n')}\n`;
}
