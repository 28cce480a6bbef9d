// What the methods of a Deployment return: values, never printed. Each result carries the node
// sets an operator acts on next (`storm.exec(last.failed, 'uptime')`).
import { tally } from '../fleet/outcome.js';
import type { UnitStatus } from '../services/observe.js';
import { unitId } from '../services/types.js';
import type { LeftUnit } from '../rollout/journal/runs.js';
import type { DriftItem } from '../services/drift.js';
import type { PlanView } from '../rollout/plan/plan-view.js';
import type { RolloutRequest, RolloutResult, RunState, UnitFailure } from '../rollout/types.js';
import type { CommandResult } from '../transport/types.js';
import { NodeSet } from './node-set.js';

/**
 * One CommandResult per host, in node-set order: an array (index it, map it, destructure it)
 * with the hosts sorted into node sets. `ok` is a node set, not a boolean: `allOk` says whether
 * every host succeeded.
 */
export class ExecResult extends Array<CommandResult> {
  /** map/filter/slice give plain arrays: their elements no longer make up one run. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  /** True when the command was only planned (`dryRun`): nothing ran, the results are empty. */
  dryRun = false;

  static fromResults(results: readonly CommandResult[], dryRun = false): ExecResult {
    const r = new ExecResult();
    r.push(...results);
    r.dryRun = dryRun;
    return r;
  }

  get hosts(): NodeSet {
    return new NodeSet(this.map((r) => r.host));
  }
  get ok(): NodeSet {
    return new NodeSet(tally(this).ok);
  }
  /** Ran and failed: non-zero exit, signal, timeout. */
  get failed(): NodeSet {
    return new NodeSet(tally(this).failed);
  }
  /** Could not be reached: network, authentication, host key. */
  get unreachable(): NodeSet {
    return new NodeSet(tally(this).unreachable);
  }
  /** Not run or stopped because the call was cancelled (Ctrl-C). */
  get aborted(): NodeSet {
    return new NodeSet(tally(this).aborted);
  }
  /** Everything that did not succeed: what a retry targets. */
  get notOk(): NodeSet {
    return this.hosts.minus(this.ok);
  }
  get allOk(): boolean {
    return this.every((r) => r.ok);
  }
  /** The result of one host. */
  of(host: string): CommandResult | undefined {
    return this.find((r) => r.host === host);
  }
  /** stdout by host. */
  get stdout(): Record<string, string> {
    return Object.fromEntries(this.map((r) => [r.host, r.stdout]));
  }
}

/** A start/stop/restart/upgrade (or its resume), done or only planned. */
export interface OperationResult {
  request: RolloutRequest;
  plan: PlanView;
  /** True for `dryRun`: the plan only; nothing was locked, journaled or sent. */
  dryRun: boolean;
  runId?: string;
  state: RunState | 'planned';
  /** Hosts whose every unit was done. */
  ok: NodeSet;
  /** Hosts with a unit that failed (quarantined) or was never reached. */
  failed: NodeSet;
  unreachable: NodeSet;
  /** Unit ids (`hub#0@cloud1`) done, and why each failed unit failed. */
  done: string[];
  failures: UnitFailure[];
  notStarted: string[];
  budgetExceeded: boolean;
}

export function operationResult(
  request: RolloutRequest,
  plan: PlanView,
  r?: RolloutResult,
): OperationResult {
  const hostOf = new Map(plan.batches.flatMap((b) => b.units.map((u) => [u.id, u.host] as const)));
  const host = (id: string): string => hostOf.get(id) ?? id.slice(id.lastIndexOf('@') + 1);
  const failed = new NodeSet((r?.failed ?? []).map((f) => f.host));
  const unreachable = new NodeSet(
    (r?.failed ?? []).filter((f) => f.unreachable).map((f) => f.host),
  );
  const notDone = failed.union((r?.notStarted ?? []).map(host));
  return {
    request,
    plan,
    dryRun: r === undefined,
    ...(r?.runId ? { runId: r.runId } : {}),
    state: r?.state ?? 'planned',
    ok: new NodeSet((r?.done ?? []).map(host)).minus(notDone),
    failed,
    unreachable,
    done: r?.done ?? [],
    failures: r?.failed ?? [],
    notStarted: r?.notStarted ?? [],
    budgetExceeded: r?.budgetExceeded ?? false,
  };
}

/** `status()`: each unit's health, and the hosts sorted by what their units say. */
export interface StatusReport {
  units: UnitStatus[];
  /** Hosts whose every unit runs. */
  ok: NodeSet;
  /** Hosts with a unit stopped or unhealthy. */
  failed: NodeSet;
  unreachable: NodeSet;
  /** Units of this report an interrupted run left mid-step (`resume` finishes them). */
  leftBehind: LeftUnit[];
}

export function statusReport(units: UnitStatus[], left: LeftUnit[] = []): StatusReport {
  const unreachable = new NodeSet(units.filter((u) => !u.health).map((u) => u.unit.host));
  const failed = new NodeSet(
    units.filter((u) => u.health && u.health.state !== 'running').map((u) => u.unit.host),
  ).minus(unreachable);
  const all = new NodeSet(units.map((u) => u.unit.host));
  const ids = new Set(units.map((u) => unitId(u.unit)));
  const leftBehind = left.filter((l) => ids.has(l.unit));
  return { units, ok: all.minus(failed).minus(unreachable), failed, unreachable, leftBehind };
}

/** `diff()`: each difference between the services file and the hosts. */
export interface DiffReport {
  items: DriftItem[];
  /** Hosts that differ from the file. */
  drifted: NodeSet;
  /** Hosts that could not be scanned. */
  unreachable: NodeSet;
}
