// How a subsystem (tinc, cassandra, backup, vm, monitor …) hangs its methods on a Deployment:
// `dep.tinc.verify()`, `dep.cassandra.repair()`. A subsystem registers a factory under its name;
// every Deployment then has a property of that name, made on first use and kept. The types come
// from augmenting `Subsystems` (CONTRIBUTING.md, "A new subsystem").
import type { Deployment } from './deployment.js';
import type { PlanView } from '../rollout/plan/plan-view.js';
import type { RolloutResult } from '../rollout/types.js';

/** Name → API object of each registered subsystem. Each subsystem module adds its entry. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each subsystem
export interface Subsystems {}

export interface SubsystemEntry {
  name: string;
  /** One line for `.help` in the REPL. */
  summary: string;
  create: (dep: Deployment) => object;
  /** Runs before a rollout applies its plan (not on a dry run): e.g. the vm subsystem records
   * the host keys of the guests it is about to boot. Throwing stops the rollout before it starts. */
  beforeRollout?: (dep: Deployment, plan: PlanView) => Promise<void>;
  /** Runs after a rollout (or its resume) finished every unit: e.g. the tinc subsystem proves the
   * mesh whole again, repairing a pair a restart left dark. Throwing makes the call fail. */
  afterRollout?: (dep: Deployment, plan: PlanView, result: RolloutResult) => Promise<void>;
}

const registry = new Map<string, SubsystemEntry>();

export function registerSubsystem<K extends keyof Subsystems & string>(
  name: K,
  summary: string,
  create: (dep: Deployment) => Subsystems[K],
  hooks: Pick<SubsystemEntry, 'beforeRollout' | 'afterRollout'> = {},
): void {
  registry.set(name, { name, summary, create: create as (dep: Deployment) => object, ...hooks });
}

export function subsystems(): SubsystemEntry[] {
  return [...registry.values()];
}
