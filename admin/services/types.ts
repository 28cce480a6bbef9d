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

/**
 * A kind whose version is not a daemon's: vm's is a guest's base image, recorded on its physical
 * host (the guest itself may be down) and reported by the kind's health probe as Health.version.
 */
export interface KindVersions {
  /** The version the services file asks of this unit (vm: the guest's `base`). */
  file(unit: Unit, inv: Inventory): string | undefined;
  /** Read from the health probe's Health.version, not from a scan of the unit's own host. */
  readonly fromProbe: true;
  /** The upgrade flag that switches versions, for messages: `--image` (vm). */
  readonly flag: string;
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
   * The gate's probe where it differs from healthProbe (which `salvo status` runs too): vm's
   * waits on the physical host, up to a few seconds, for the guest's banner, so a boot is seen
   * within 0.2 s without an SSH round trip (a bash and its forks) per try. parseHealth reads it.
   */
  gateProbe?(unit: Unit, inv: Inventory): { host: string; command: Command };
  /**
   * Run from the admin machine when a gate's probe reads `running`; the reading counts only if it
   * succeeds (vm: a login to the guest itself, its host key checked against known_hosts).
   */
  confirmRunning?(unit: Unit, inv: Inventory): { host: string; command: Command };
  /**
   * The unit is one member of a cluster (a Cassandra ring): after a restart or upgrade its gate
   * also waits until it sees every peer healthy, so the next batch never takes a node down while
   * another is still down or joining (cstar's rule). A start does not wait for peers: they may be
   * starting in a later batch.
   */
  readonly ringGate?: boolean;
  /**
   * Where a unit's versions are, when not where a daemon's are. By default the version a unit
   * runs is what its own host records (the scan of the deployment's pid files) and the file's is
   * the service's `version`. A restart keeps the running one (OperationOptions.versions).
   */
  readonly versions?: KindVersions;
  /** Passes in a row needed to call a unit healthy (health gate), and how long to wait. */
  gate: { passes: number; intervalMs: number; timeoutMs: number };
}
