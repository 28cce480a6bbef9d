// Loopback lab output: the built lab and its status (progress lines come from render/program/lab.ts).
import { formatSeconds } from '../duration.js';
import type { LoopbackLab, LoopbackStatus } from '../../../lab/index.js';

export function renderLoopbackLab(lab: LoopbackLab, ms: number): string {
  const first = lab.hosts[0]?.name ?? 'cloud1';
  const ports = lab.hosts.map((h) => h.port).join(', ');
  return [
    `loopback lab up: ${lab.hosts.length} hosts on ${lab.address} as ${lab.user} in ${formatSeconds(ms, { digits: 2, space: true })} (ports ${ports})`,
    `  services file  ${lab.servicesFile}`,
    `  known_hosts    ${lab.knownHostsFile}`,
    `  ssh_config     ${lab.sshConfigFile}   (ssh -F ${lab.sshConfigFile} ${first} 'echo $SALVO_LAB_HOST')`,
    `  try:           salvo -s ${lab.servicesFile} exec 'cloud[1-${lab.hosts.length}]' -- 'echo $SALVO_LAB_HOST'`,
    `  remove:        salvo lab down --dir ${lab.dir}`,
    '  note:          one shared filesystem, hostname and network; no services (docs/lab.md)',
    '',
  ].join('\n');
}

export function renderLoopbackStatus(s: LoopbackStatus): string {
  const up = s.hosts.filter((h) => h.sshdAlive).length;
  const lines = [
    `loopback lab in ${s.dir}: ${up}/${s.hosts.length} hosts up, sshd as ${s.user} on 127.0.0.1`,
  ];
  if (s.phase !== 'up') {
    lines.push(`  still ${s.phase} (lab up did not finish)`);
  }
  for (const h of s.hosts.filter((x) => !x.sshdAlive)) {
    lines.push(`  ${h.name}: sshd down (port ${h.port}${h.sshdPid ? `, pid ${h.sshdPid}` : ''})`);
  }
  for (const p of s.recorded) {
    lines.push(`  process ${p.name} pid ${p.pid} ${p.alive ? 'running' : 'gone'}`);
  }
  lines.push(s.healthy ? 'healthy' : 'NOT healthy');
  return `${lines.join('\n')}\n`;
}
