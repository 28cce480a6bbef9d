// The library's working object and its values: open a services file, act on it, get results.
export {
  Deployment,
  type OpenOptions,
  type CallOptions,
  type ExecOptions,
  type TransferCallOptions,
  type RunOptions,
  type HostsOption,
} from './deployment.js';
export { NodeSet, type Target } from './node-set.js';
export {
  ExecResult,
  type OperationResult,
  type StatusReport,
  type DiffReport,
} from './results.js';
export type { OperationOptions } from './request.js';
export { rolloutRequest } from './request.js';
export type {
  DeploymentEvent,
  DeploymentEventMap,
  DeploymentListener,
  PlannedEvent,
  WaitEvent,
} from './events.js';
export { withCancel, currentSignal } from './cancel.js';
export { parseDuration } from './duration.js';
export type { WaitOptions } from './wait.js';
export {
  registerSubsystem,
  subsystems,
  type Subsystems,
  type SubsystemEntry,
} from './subsystems.js';
export { TincApi, type TincCallOptions, type TincChangeOptions } from './subsystems/tinc.js';
export type { LogLine, LogsResult } from './logs.js';
