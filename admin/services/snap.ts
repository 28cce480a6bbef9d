// snap: the snapshot servers; the same daemon mechanics as hub, on ports.snap + i.
import { daemonKind } from './daemon-kind.js';

export const snap = daemonKind({
  kind: 'snap',
  portOption: 'port',
  healthPath: '/alive',
  versionPath: '/version',
  gate: { passes: 3, intervalMs: 1000, timeoutMs: 60_000 },
});
