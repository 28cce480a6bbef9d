// LAB ONLY. What the node's parts share: its state in the ring, its view of a peer, what it
// streams, the faults and repair behaviour tests set, its start options, and the stream window.
import type { Member } from '../ring.js';

export type NodeState = 'joining' | 'normal' | 'leaving' | 'drained' | 'decommissioned';

export interface PeerView {
  up: boolean;
  state: NodeState;
  schemaVersion?: string;
  release?: string;
  load?: number;
}

/** What a node reports while it streams (bootstrap: receiving; decommission: sending). */
export interface Streaming {
  direction: 'receiving' | 'sending';
  peers: string[];
  files: number;
  bytes: number;
  done: number; // 0..1
}

export interface Fault {
  kind: 'timeout' | 'overloaded' | 'unavailable' | 'drop' | 'delay' | 'hang';
  match?: string; // regex on the query text; default: any statement outside system keyspaces
  count?: number; // how many statements it hits (default: until cleared)
  ms?: number; // delay
}

export interface RepairConfig {
  ms: number; // how long a repair takes
  fail?: boolean;
  hang?: boolean;
}

export interface NodeOptions {
  self: Member;
  members: Member[];
  internodePort: number;
  release: string;
  clusterName: string;
  dataFile?: string;
  /** How long a starting node is Joining (streaming its ranges), then Normal. */
  joinMs: number;
  /** How long a decommissioned node is Leaving (streaming its ranges away). */
  leaveMs?: number;
}

/** While joining or leaving: which way the node streams, since when, and for how long. */
export interface StreamWindow {
  direction: Streaming['direction'];
  from: number;
  ms: number;
}
