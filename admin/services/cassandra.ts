// cassandra: the daemon only — start, stop (TERM, then KILL), pid, the native port listening.
// `nodetool status` = UN as the health gate, drain before stop, and the config come with the
// Cassandra issue; until then the lab runs a stand-in that listens on the native port.
import { daemonKind } from './daemon-kind.js';

export const cassandra = daemonKind({
  kind: 'cassandra',
  portOption: 'native_port',
  gate: { passes: 3, intervalMs: 2000, timeoutMs: 180_000 },
});
