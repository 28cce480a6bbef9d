// hub and snap: SMC's web servers and snapshot servers, several instances per host (instance i on
// ports.<kind> + i). Both are plain daemons with an HTTP health and version endpoint; in the lab
// the program is our stand-in (admin/lab/standins/app.ts). Behind haproxy, every hub stop is
// preceded by a drain and every start followed by `ready` (see fronting.ts).
import { daemonKind } from './kind.js';

function appKind(kind: 'hub' | 'snap') {
  return daemonKind({
    kind,
    portOption: 'port',
    healthPath: '/alive',
    versionPath: '/version',
    gate: { passes: 3, intervalMs: 1000, timeoutMs: 60_000 },
  });
}

export const hub = appKind('hub');
export const snap = appKind('snap');
