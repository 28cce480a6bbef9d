// Turn an inventory host name into an SshTarget. Precedence, as OpenSSH's (docs/exec.md):
// the command line (`-l USER`) > what the services file says for this very host (address, port,
// user: like `ssh -p PORT -l USER ADDRESS`) > ~/.ssh/config (first match) > the services file's
// ssh: defaults (user), which only fill what ssh_config leaves unset.
import type { Inventory } from '../inventory/types.js';
import { resolveSshTarget } from '../transport/ssh-config/index.js';
import type { SshTarget } from '../transport/types.js';

export interface TargetOverrides {
  /** `salvo exec -l USER`: the remote user for every target (jump hosts keep theirs). */
  user?: string;
}

export function targetResolver(
  inv: Inventory,
  overrides: TargetOverrides = {},
): (name: string) => Promise<SshTarget> {
  return (name) => {
    const host = inv.hosts.get(name);
    // A host listed without an address gets its name as address: that is no address given, so
    // ssh_config's HostName applies (as `ssh cloud3` would).
    const address = host !== undefined && host.address !== name ? host.address : undefined;
    return resolveSshTarget({
      name,
      ...(address !== undefined ? { address } : {}),
      ...(host?.port !== undefined ? { port: host.port } : {}),
      ...(host?.user !== undefined ? { user: host.user } : {}),
      ...(overrides.user !== undefined ? { userOverride: overrides.user } : {}),
      ...(inv.ssh.identity !== undefined ? { identity: inv.ssh.identity } : {}),
      knownHosts: inv.ssh.knownHosts,
      // null: no OpenSSH files; absent: ~/.ssh/config (none there yet is an empty config)
      configFile: inv.ssh.config,
      connectTimeoutMs: inv.ssh.connectTimeoutMs,
      defaultUser: inv.ssh.user,
    });
  };
}
