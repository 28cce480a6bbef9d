// How a subsystem (tinc, cassandra, backup, vm, monitor …) hangs its methods on a Deployment:
// `dep.tinc.verify()`, `dep.cassandra.repair()`. A subsystem registers a factory under its name;
// every Deployment then has a property of that name, made on first use and kept. The types come
// from augmenting `Subsystems` (CONTRIBUTING.md, "A new subsystem").
import type { Deployment } from './deployment.js';

/** Name → API object of each registered subsystem. Each subsystem module adds its entry. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each subsystem
export interface Subsystems {}

export interface SubsystemEntry {
  name: string;
  /** One line for `.help` in the REPL. */
  summary: string;
  create: (dep: Deployment) => object;
}

const registry = new Map<string, SubsystemEntry>();

export function registerSubsystem<K extends keyof Subsystems & string>(
  name: K,
  summary: string,
  create: (dep: Deployment) => Subsystems[K],
): void {
  registry.set(name, { name, summary, create: create as (dep: Deployment) => object });
}

export function subsystems(): SubsystemEntry[] {
  return [...registry.values()];
}
