// `salvo check` output: a compact table of what the services file describes.
import type { HostList, InventorySummary } from '../../../inventory/summary.js';

const list = (h: HostList): string => (h.count ? `${h.names} (${h.count})` : '(none)');

export function renderSummary(s: InventorySummary): string {
  const out: string[] = [`${s.file}: ok — deployment ${s.deployment}`];
  out.push(`hosts      ${list(s.hosts)}`);
  if (s.vms.count) {
    out.push(`  vms      ${list(s.vms)}`);
  }
  if (s.groups.length) {
    out.push('groups');
  }
  for (const g of s.groups) {
    out.push(`  @${g.name.padEnd(12)} ${list(g.members)}`);
  }
  if (s.services.length) {
    out.push('services');
  }
  for (const svc of s.services) {
    out.push(`  ${svc.kind.padEnd(13)} ${list(svc.hosts)}${serviceDetail(svc)}`);
  }
  if (s.computeServers.length) {
    out.push('compute servers');
  }
  for (const c of s.computeServers) {
    out.push(`  ${c.status.padEnd(13)} ${list(c.hosts)}`);
  }
  if (s.tinc) {
    const to = s.tinc.connectTo === 'all' ? 'all' : list(s.tinc.connectTo);
    out.push(
      `tinc       net ${s.tinc.netname}, port ${s.tinc.port}, ConnectTo ${to}, members ${list(s.tinc.members)}`,
    );
  }
  if (s.backup) {
    out.push(`backup     rules ${s.backup.rules}`);
  }
  out.push(
    `ssh        user ${s.ssh.user}, fan-out ${s.ssh.concurrency}, ${s.ssh.channelsPerConnection} channels/connection, known_hosts ${s.ssh.knownHosts.join(', ')}`,
  );
  return `${out.join('\n')}\n`;
}

function serviceDetail(svc: InventorySummary['services'][number]): string {
  const ports = Object.entries(svc.ports)
    .map(([role, nums]) => `${role} ${nums.join(',')}`)
    .join('; ');
  const parts = [
    svc.instances > 1 ? `×${svc.instances}` : '',
    ports ? `ports ${ports}` : '',
  ].filter(Boolean);
  return parts.length ? `  ${parts.join('  ')}` : '';
}
