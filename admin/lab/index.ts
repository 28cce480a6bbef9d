// The lab fleet: network-namespace hosts with real sshd, for tests and the demo.
export { labAddHosts, labUp } from './lab-up.js';
export { labDown } from './lab-down.js';
export { labStatus } from './lab-status.js';
export { requireRoot } from './require-root.js';
export { recordPid } from './pids.js';
export { enterArgv } from './host-files.js';
export { DEFAULT_DIR } from './lab-state.js';
export type { Lab, LabEvent, LabHost, LabHostStatus, LabListener, LabOptions, LabStatus, RecordedPid } from './types.js';
