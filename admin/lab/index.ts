// The lab fleet: network-namespace hosts with real sshd (root), or a loopback lab of plain
// sshds on 127.0.0.1 ports (no root), for tests and the demo.
export { labAddHosts, labAddVms, labLibvirt, labUp } from './netns/index.js';
export { labDown } from './netns/index.js';
export { labStatus } from './netns/index.js';
export { loopbackUp } from './loopback/index.js';
export { loopbackDown } from './loopback/index.js';
export { loopbackStatus } from './loopback/index.js';
export { labModeOf, type LabMode } from './loopback/index.js';
export { requireRoot } from './require-root.js';
export { recordPid } from './pids.js';
export { isRunning } from './processes.js';
export { DEFAULT_DIR } from './netns/index.js';
export type {
  Lab,
  LabEvent,
  LabHost,
  LabHostStatus,
  LabListener,
  LabOptions,
  LabStatus,
  LoopbackHostStatus,
  LoopbackLab,
  LoopbackStatus,
  RecordedPid,
} from './types.js';
