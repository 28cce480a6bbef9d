// The tinc mesh: pure config rendering/parsing (tinc.conf, hosts/NAME, tinc-up/down) and the
// operations built on it (init, add, remove, start, stop, status, verify).
export {
  tincInit,
  tincAdd,
  tincRemove,
  DEFAULT_KEY_BITS,
  DEFAULT_WAIT_MS,
} from './ops/membership.js';
export type { ChangeOptions, TincResult } from './ops/membership.js';
export { tincStart, tincStop } from './ops/lifecycle.js';
export type { LifecycleOptions, LifecycleResult } from './ops/lifecycle.js';
export { tincStatus } from './ops/status.js';
export type { Drift, MeshStatus, NodeStatus } from './ops/status.js';
export { tincVerify } from './ops/verify.js';
export { DEFAULT_CONF_DIR, type TincOptions } from './context.js';
export type { HostFailure, TincEvent, TincListener, TincPhase } from './events.js';
export { analyzeMatrix, matrixGrid, type MeshMatrix, type Pair } from './matrix.js';
export type { NodePlan, Change } from './plan/plan.js';
export { TincError, TincFileError } from './errors.js';
export { tincName, nameMap } from './config/index.js';
export { tincPaths, type TincPaths } from './remote/index.js';
