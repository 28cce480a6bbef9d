// The validated, normalized services file. Produced by loadInventory(); read by everything above.

export type ComputeServerStatus = 'on' | 'no-new' | 'off';

/** Where a value came from in the services file, for error messages about it later. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

export interface HostSpec {
  name: string; // cloud3
  n: number | null; // the host's number ({n} in templates); null if the name has none
  address: string; // underlay address to SSH to (defaults to the name)
  vpn?: string; // tinc overlay address, e.g. 10.1.3.1
  vmOn?: string; // physical host this VM runs on
  port?: number; // SSH port, if not 22 / ssh_config
  user?: string;
  vars: Record<string, unknown>; // the host's free-form `vars:` ({n} filled in)
  pos: SourcePos;
}

export interface ServiceSpec {
  kind: string; // vm | cassandra | hub | snap | haproxy | nginx | tinc …
  hosts: string[]; // expanded, in services-file order
  hostsExpr: string; // the node set as written
  options: Record<string, unknown>;
  ports: Record<string, ServicePort>; // by option name: port, proxy_port, native_port …
  pos: SourcePos;
}

/** A port a service listens on, resolved from the ports block. */
export interface ServicePort {
  name: string; // the ports entry, e.g. hub
  numbers: number[]; // one per instance (hub instance i: ports.hub + i), or the entry's list
}

export interface SshSettings {
  user: string;
  identity?: string; // path, ~ expanded
  knownHosts: string[]; // paths, resolved relative to the services file
  config?: string | null; // an ssh_config file to honour (default ~/.ssh/config if present); null: none, nor OpenSSH's known_hosts
  concurrency: number; // fan-out window (default 64)
  connectTimeoutMs: number;
  channelsPerConnection: number; // ≤ 8 (OpenSSH MaxSessions is 10)
  maxOutput?: number; // bytes kept per host and stream (max_output); absent: the default 8.25 MiB
}

export interface TincSettings {
  netname: string;
  connectTo: 'all' | string[];
  port: number;
  hosts: string[]; // the mesh members: every host with a vpn address, in file order
}

export interface BackupSettings {
  rules: string; // path
}

export interface Threshold {
  warning: number;
  critical: number;
}

/** The `monitor:` section, defaults filled in (docs/monitor.md). */
export interface MonitorSettings {
  intervalMs: number;
  liveness: string[]; // services whose health probes run
  progress: {
    snap?: { snapshots: string; maxAge: Threshold };
    hub?: { stalledScans: Threshold };
    cassandra?: { pendingCompactions: Threshold };
  };
  /** Backup freshness: warning/critical at these multiples of each series' max_age. */
  backups?: Threshold;
  resources?: {
    hosts: string[];
    load: Threshold;
    disk: Threshold;
    inodes: Threshold;
    memory: Threshold;
    clock: Threshold;
    mounts?: string[];
  };
  mesh: boolean;
  heal: Record<string, { restarts: number; within: number }>;
  alerts: {
    command?: string[];
    email?: { to: string; from: string; smtp: string };
  };
  history: string; // absolute path of the JSON-lines file (Cassandra's fallback when that is chosen)
  /** History in Cassandra tables (monitor_history, monitor_state) instead of the file. */
  historyCassandra?: { keyspace?: string; user: string };
}

export interface Inventory {
  file: string; // absolute path of services.yaml
  dir: string; // its directory: relative paths resolve from here
  deployment: string;
  ports: Record<string, number | number[]>;
  ssh: SshSettings;
  hosts: Map<string, HostSpec>; // in file order
  groups: Map<string, string[]>; // name (without @) → host names
  services: Map<string, ServiceSpec>; // in file order (start order)
  computeServers: Map<string, ComputeServerStatus>;
  tinc?: TincSettings;
  backup?: BackupSettings;
  monitor?: MonitorSettings;
  /** `lock.hosts`, in order: where the deployment lock lives (absent: the first host). */
  lockHosts?: string[];
}
