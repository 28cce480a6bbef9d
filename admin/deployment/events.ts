// Everything a Deployment reports while it works, stamped and tagged with where it came from.
// A subsystem adds its own source by extending DeploymentEventMap (declaration merging).
import type { BackupEvent } from '../backup/events.js';
import type { FleetEvent } from '../fleet/events.js';
import type { RolloutEvent } from '../rollout/events.js';
import type { TincEvent } from '../tinc/events.js';
import type { VmEvent } from '../vm/events.js';
import type { NodeSet } from './node-set.js';

/** `waitUntilUp`: which hosts answer so far, which are still awaited, for how long. */
export type WaitEvent =
  | { kind: 'waiting'; what: string; up: NodeSet; waiting: NodeSet; elapsedMs: number }
  | { kind: 'up'; what: string; hosts: NodeSet; elapsedMs: number }
  | { kind: 'gave-up'; what: string; waiting: NodeSet; elapsedMs: number };

/** A call made on a deployment opened with `dryRun`: what it would have done. */
export interface PlannedEvent {
  kind: 'planned';
  /** The call as an operator would type it: `exec('@web', 'apt-get install -y jq')`. */
  call: string;
  /** What it would do, in lines (a rollout's batches, the hosts of an exec). */
  detail: string[];
}

export interface DeploymentEventMap {
  exec: FleetEvent;
  rollout: RolloutEvent;
  tinc: TincEvent;
  backup: BackupEvent;
  vm: VmEvent;
  wait: WaitEvent;
  'dry-run': PlannedEvent;
}

export type DeploymentEvent = {
  [S in keyof DeploymentEventMap]: {
    source: S;
    deployment: string;
    /** When it happened (ms since the epoch). */
    at: number;
    event: DeploymentEventMap[S];
  };
}[keyof DeploymentEventMap];

export type DeploymentListener = (e: DeploymentEvent) => void;
