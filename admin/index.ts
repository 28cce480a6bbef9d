// Salvo as a library: everything a script, the REPL or another program needs, from one module
// (docs/library.md). `import { Deployment, cmd } from 'salvo'` in a release script resolves here.
export * from './deployment/index.js';
export {
  cmd,
  shell,
  and,
  quote,
  display,
  Secret,
  Raw,
  type Command,
  type Part,
} from './transport/command.js';
export type { CommandResult, FailureKind } from './transport/types.js';
export { InputFeed } from './transport/input-feed.js';
export { expandNodeSet, foldNodeSet } from './inventory/nodeset.js';
export type { Inventory } from './inventory/types.js';
export {
  AdminError,
  ConfigError,
  UsageError,
  ConnectError,
  LockedError,
  InternalError,
} from './errors.js';
export type { RolloutEvent } from './rollout/events.js';
export type { RolloutRequest, UnitFailure, RunState } from './rollout/types.js';
export type { RunSummary } from './rollout/journal/runs.js';
export type { UnitStatus } from './services/observe.js';
export type { DriftItem } from './services/drift.js';
export type { Health, Unit } from './services/types.js';
export type { FleetEvent } from './fleet/events.js';
export type {
  TincEvent,
  MeshMatrix,
  MeshStatus,
  TincResult,
  LifecycleResult,
} from './tinc/index.js';
export type {
  Release,
  ReleaseScript,
  ReleaseEvent,
  ReleaseOutcome,
  StepOptions,
} from './release/index.js';
