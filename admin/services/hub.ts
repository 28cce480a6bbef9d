// hub: SMC's web servers, several instances per host (instance i on ports.hub + i). In the lab
// the program is our stand-in (admin/lab/standins/app.ts). Behind haproxy, every stop is
// preceded by a drain and every start followed by `ready` (see fronting.ts).
import { daemonKind } from './daemon-kind.js';

export const hub = daemonKind({
  kind: 'hub',
  portOption: 'port',
  healthPath: '/alive',
  versionPath: '/version',
  gate: { passes: 3, intervalMs: 1000, timeoutMs: 60_000 },
});
