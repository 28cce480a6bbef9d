// The rollout's shapes: what the operator asked for (a request, saved in the journal), the plan
// built from it (pure), and the run's outcome. Events live in events.ts.
import type {
  Health,
  Operation,
  OperationOptions,
  ServiceKind,
  Step,
  Unit,
} from '../services/types.js';
import type { Command } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';

/** How many: an absolute count or a percentage of the units (`--batch 25%`, `--budget 10%`). */
export type Size = { kind: 'count'; n: number } | { kind: 'percent'; p: number };

/** `--serial` is count 1, `--parallel` is all, `--batch N|P%` is a Size. */
export type BatchSpec = Size | { kind: 'all' };

/** Everything the operator typed that shapes the plan. JSON-safe: it is journaled and re-planned on resume. */
export interface RolloutRequest {
  op: Operation;
  target: string; // a service name (= its kind) or 'all'
  hosts?: string; // -H node set, as typed
  batch: BatchSpec;
  wait: boolean; // health gates on (--wait, default) or off (--no-wait)
  budget: Size; // failures tolerated (default count 0)
  rolling: boolean;
  ignorePlacement: boolean;
  /** Units of one physical host a batch may hold (`--per-host N`; default 1, or vm's per_host). */
  perHost?: number;
  options: OperationOptions;
}

/** The state a gate waits for: running after start/restart/upgrade, stopped after stop. */
export interface GateSpec {
  expect: Health['state'];
  version?: string; // upgrade's, or the one a restart keeps: the probe must report it (when it reports one)
  peersUp?: boolean; // restart/upgrade of a ring member: it must also see every peer healthy
  passes: number;
  intervalMs: number;
  timeoutMs: number;
}

export interface PlannedUnit {
  id: string; // hub#0@storm-web1
  unit: Unit;
  kind: ServiceKind;
  steps: Step[];
  gate?: GateSpec; // undefined with --no-wait
}

export interface Batch {
  index: number; // 0-based over the whole plan
  service: string;
  op: Operation; // the operation this batch carries out (restart all: each service restarts in turn)
  units: PlannedUnit[];
  /** Why this batch is smaller than asked, if placement split it. */
  splitBy?: string[];
}

export interface Plan {
  request: RolloutRequest;
  batches: Batch[];
  units: number;
  budget: number; // failures tolerated, resolved from the request's Size
  skipped: { service: string; reason: string }[];
  /** What the operator should know about the plan (a restart keeping a version the file does not name). */
  notes?: string[];
}

/** Run one command on one host; never throws for the host's failure. */
export type Executor = (
  host: string,
  command: Command,
  options: { timeoutMs?: number; signal?: AbortSignal },
) => Promise<CommandResult>;

/** Find the implementation of a service kind by name; undefined if there is none. */
export type KindLookup = (kind: string) => ServiceKind | undefined;

/** Why a unit failed: enough for the operator to act without digging. */
export interface UnitFailure {
  unit: string;
  host: string;
  reason: string;
  unreachable: boolean;
  logTail?: string;
}

export type RunState = 'done' | 'failed' | 'interrupted';

export interface RolloutResult {
  runId?: string;
  state: RunState;
  done: string[]; // unit ids
  failed: UnitFailure[];
  notStarted: string[]; // unit ids left when the budget was exceeded or the run was interrupted
  budgetExceeded: boolean;
}
