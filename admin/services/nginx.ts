// nginx: the static-file server. Real nginx is not installed on the lab machine and its config
// is not rendered yet; the kind runs whatever `command:` says (the lab's HTTP stand-in) with the
// generic daemon mechanics, and checks /alive on ports.nginx.
import { daemonKind } from './daemon-kind.js';

export const nginx = daemonKind({
  kind: 'nginx',
  portOption: 'port',
  healthPath: '/alive',
  versionPath: '/version',
  gate: { passes: 2, intervalMs: 1000, timeoutMs: 30_000 },
});
