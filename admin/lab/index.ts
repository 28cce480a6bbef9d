// The lab fleet: network-namespace hosts with real sshd (root), or a loopback lab of plain
// sshds on 127.0.0.1 ports (no root), for tests and the demo.
export { labAddHosts, labUp } from './lab-up.js';
export { labDown } from './lab-down.js';
export { labStatus } from './lab-status.js';
export { loopbackUp } from './loopback-up.js';
export { loopbackDown } from './loopback-down.js';
export { loopbackStatus } from './loopback-status.js';
export { labModeOf, type LabMode } from './loopback-state.js';
export { requireRoot } from './require-root.js';
export { recordPid } from './pids.js';
export { enterArgv } from './host-files.js';
export { DEFAULT_DIR } from './lab-state.js';
export type {
  Lab, LabEvent, LabHost, LabHostStatus, LabListener, LabOptions, LabStatus, LoopbackHostStatus, LoopbackLab,
  LoopbackStatus, RecordedPid,
} from './types.js';
