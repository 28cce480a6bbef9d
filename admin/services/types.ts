// CONTRACT between service kinds (admin/services/) and the rollout engine (admin/rollout/).
// A unit is one instance of one service on one host; a kind turns an operation on a unit into
// steps (commands to run on a host) and proves the unit healthy with a probe.
import type { Command } from '../transport/command.js';
import type { Inventory } from '../inventory/types.js';

export type Operation = 'start' | 'stop' | 'restart' | 'upgrade';

/** One instance of one service on one host: `hub#1@storm-web3`. */
export interface Unit {
  service: string; // kind as in the services file: hub, snap, haproxy, nginx, cassandra, vm, tinc
  host: string;
  instance: number; // 0-based; 0 for single-instance kinds
  /** What placement-aware batching must keep apart (derived from the services file). */
  placement: { physical?: string; rack?: string; backends?: string[] };
}

export const unitId = (u: Unit): string => `${u.service}#${u.instance}@${u.host}`;

/** One thing to do on one host. Run in order; the first failing step fails the unit. */
export interface Step {
  name: string; // 'drain in haproxy', 'stop', 'start', 'wait healthy'
  host: string; // where the command runs (drain runs on the haproxy host, not the hub's)
  command: Command;
  timeoutMs: number;
}

import type { Health } from '../probes/health.js';

export type { Health };

export interface OperationOptions {
  version?: string; // for upgrade
  /**
   * restart: the version each unit runs, by unit id, where it is not the services file's (read
   * from the hosts before planning): a restart starts again what ran, never silently the file's.
   */
  versions?: Record<string, string>;
  /** Units behind haproxy are drained before they stop and re-enabled once healthy (default
   * true); false plans the bare stop/start (added compatibly with the first contract). */
  drain?: boolean;
}

/** What each service kind provides. Pure planning; running the steps is the rollout's job. */
export interface ServiceKind {
  readonly kind: string;
  /** The units of this service in the inventory (optionally only on `hosts`). */
  units(inv: Inventory, hosts?: string[]): Unit[];
  /** Steps that carry out `op` on `unit` (for hub: drain, stop, start, enable …). */
  plan(op: Operation, unit: Unit, inv: Inventory, opts: OperationOptions): Step[];
  /** A command whose output `parseHealth` reads: one SSH round trip per probe. */
  healthProbe(unit: Unit, inv: Inventory): { host: string; command: Command };
  parseHealth(stdout: string, exitCode: number | null): Health;
  /**
   * The unit is one member of a cluster (a Cassandra ring): after a restart or upgrade its gate
   * also waits until it sees every peer healthy, so the next batch never takes a node down while
   * another is still down or joining (cstar's rule). A start does not wait for peers: they may be
   * starting in a later batch.
   */
  readonly ringGate?: boolean;
  /** Passes in a row needed to call a unit healthy (health gate), and how long to wait. */
  gate: { passes: number; intervalMs: number; timeoutMs: number };
}
