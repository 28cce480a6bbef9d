// The lab fleet's public shapes: options, the running lab, its status and progress events.

export interface LabOptions {
  /** How many hosts (1..250). */
  hosts: number;
  /** State directory; default /tmp/salvo-lab. */
  dir?: string;
  /** Host names are `${namePrefix}${n}`; default 'cloud'. */
  namePrefix?: string;
}

export interface LabHost {
  name: string; // cloud3
  n: number; // 3
  address: string; // 198.18.L.3
  netns: string; // salvoL-cloud3
  sshdPid: number;
  dir: string; // DIR/cloud3: the host's private /srv, /root, /run… and its sshd files
}

export interface Lab {
  dir: string;
  id: number; // L: bridge salvoL, subnet 198.18.L.0/24
  bridge: string;
  subnet: string;
  hosts: LabHost[];
  servicesFile: string;
  knownHostsFile: string;
  sshConfigFile: string;
  identityFile: string;
}

export interface LabHostStatus {
  name: string;
  address: string;
  netns: string;
  netnsPresent: boolean;
  sshdPid: number | null;
  sshdAlive: boolean;
}

/** A process recorded in DIR/pids/ by a later feature (tincd, haproxy, qemu…). */
export interface RecordedPid {
  name: string;
  pid: number;
  alive: boolean;
}

export interface LabStatus {
  dir: string;
  /** DIR/lab.json exists. */
  exists: boolean;
  id: number | null;
  /** 'building' until labUp / labAddHosts finished (stays so if it crashed). */
  phase: 'building' | 'up' | null;
  bridge: string | null;
  bridgePresent: boolean;
  hosts: LabHostStatus[];
  recorded: RecordedPid[];
  /** Kernel objects or files with this lab's prefix that the state does not list. */
  leftovers: string[];
  /** Fully built, every host has its namespace and a live sshd, the bridge is there, nothing left over. */
  healthy: boolean;
}

export type LabEvent =
  | { kind: 'step'; message: string }
  | { kind: 'allocated'; id: number; bridge: string; subnet: string }
  | { kind: 'host-up'; host: string; address: string; sshdPid: number }
  | { kind: 'ready'; hosts: number; durationMs: number }
  | { kind: 'removed'; what: string };

export type LabListener = (event: LabEvent) => void;

/** A loopback lab (`salvo lab up N --loopback`): one sshd per host on 127.0.0.1, no root needed. */
export interface LoopbackLab {
  mode: 'loopback';
  dir: string;
  /** The account every sshd runs as, and the only one it lets in. */
  user: string;
  address: string; // 127.0.0.1
  hosts: { name: string; n: number; port: number; sshdPid: number; dir: string }[];
  servicesFile: string;
  knownHostsFile: string;
  sshConfigFile: string;
  identityFile: string;
}

export interface LoopbackHostStatus {
  name: string;
  address: string;
  port: number;
  sshdPid: number | null;
  sshdAlive: boolean;
}

export interface LoopbackStatus {
  mode: 'loopback';
  dir: string;
  user: string;
  phase: 'building' | 'up';
  hosts: LoopbackHostStatus[];
  recorded: RecordedPid[];
  /** Fully built and every host's sshd alive. */
  healthy: boolean;
}
