// Turn an inventory host name into an SshTarget: services-file values first, then ssh_config.
import type { Inventory } from '../inventory/types.js';
import { resolveSshTarget } from '../transport/ssh-config/index.js';
import type { SshTarget } from '../transport/types.js';

export function targetResolver(inv: Inventory): (name: string) => Promise<SshTarget> {
  return (name) => {
    const host = inv.hosts.get(name);
    return resolveSshTarget({
      name,
      // A name that is not in the services file is dialled as itself (ssh_config may map it).
      address: host?.address,
      port: host?.port,
      user: host?.user ?? inv.ssh.user,
      identity: inv.ssh.identity,
      knownHosts: inv.ssh.knownHosts,
      configFile: inv.ssh.config ?? null,
      connectTimeoutMs: inv.ssh.connectTimeoutMs,
      defaultUser: inv.ssh.user,
    });
  };
}
