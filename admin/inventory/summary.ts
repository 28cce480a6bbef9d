// What `salvo check` shows about a valid services file: plain data, host lists folded.
// The CLI renders it; nothing here prints.
import { foldNodeSet } from './nodeset.js';
import { COMPUTE_STATES } from './schema/index.js';
import type { ComputeServerStatus, Inventory, SshSettings } from './types.js';

/** A set of hosts as people read it: `cloud[1-7,10-21]` (19). */
export interface HostList {
  count: number;
  names: string;
}

export interface InventorySummary {
  file: string;
  deployment: string;
  hosts: HostList;
  vms: HostList; // the hosts with vm_on
  groups: { name: string; members: HostList }[];
  services: { kind: string; hosts: HostList; instances: number; ports: Record<string, number[]> }[];
  computeServers: { status: ComputeServerStatus; hosts: HostList }[]; // on, no-new, off; empty ones left out
  ssh: Pick<
    SshSettings,
    | 'user'
    | 'identity'
    | 'knownHosts'
    | 'config'
    | 'concurrency'
    | 'connectTimeoutMs'
    | 'channelsPerConnection'
  >;
  tinc?: { netname: string; port: number; connectTo: 'all' | HostList; members: HostList };
  backup?: { rules: string };
}

export function summarizeInventory(inv: Inventory): InventorySummary {
  const summary: InventorySummary = {
    file: inv.file,
    deployment: inv.deployment,
    hosts: hostList(inv.hosts.keys()),
    vms: hostList([...inv.hosts.values()].filter((h) => h.vmOn !== undefined).map((h) => h.name)),
    groups: [...inv.groups].map(([name, members]) => ({ name, members: hostList(members) })),
    services: [...inv.services.values()].map((s) => ({
      kind: s.kind,
      hosts: hostList(s.hosts),
      instances: typeof s.options.instances === 'number' ? s.options.instances : 1,
      ports: Object.fromEntries(Object.entries(s.ports).map(([role, p]) => [role, p.numbers])),
    })),
    computeServers: computeStates(inv.computeServers),
    ssh: { ...inv.ssh },
  };
  if (inv.tinc) {
    const { netname, port, connectTo, hosts } = inv.tinc;
    summary.tinc = {
      netname,
      port,
      connectTo: connectTo === 'all' ? 'all' : hostList(connectTo),
      members: hostList(hosts),
    };
  }
  if (inv.backup) {
    summary.backup = { rules: inv.backup.rules };
  }
  return summary;
}

function hostList(names: Iterable<string>): HostList {
  const list = [...names];
  return { count: list.length, names: foldNodeSet(list) };
}

function computeStates(
  servers: Map<string, ComputeServerStatus>,
): InventorySummary['computeServers'] {
  return COMPUTE_STATES.map((status) => ({
    status,
    hosts: hostList([...servers].filter(([, s]) => s === status).map(([h]) => h)),
  })).filter((entry) => entry.hosts.count > 0);
}
