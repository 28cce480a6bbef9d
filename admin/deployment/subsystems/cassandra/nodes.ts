// The cassandra units of the services file, and each as the membership and repair code reach
// it: nodetool over SSH on its host.
import { ringOf } from '../../../services/cassandra/index.js';
import { unitsOf } from '../../../services/units.js';
import { cmd } from '../../../transport/command.js';
import type { Deployment } from '../../deployment.js';

export function cassandraNodes(dep: Deployment) {
  const inv = dep.inventory;
  return unitsOf(inv, 'cassandra').map((unit) => ({ unit, ...ringOf(inv, unit) }));
}

/** Each ring member as the membership and repair code reach it (nodetool over SSH). */
export function ringNodes(dep: Deployment, hosts?: readonly string[]) {
  return cassandraNodes(dep)
    .filter((n) => !hosts || hosts.includes(n.unit.host))
    .map((n) => ({
      host: n.unit.host,
      address: n.listenAddress,
      nodetool: async (args: string[], timeoutMs: number) => {
        const [r] = await dep.exec([n.unit.host], cmd(...n.nodetool, ...args), {
          timeoutMs,
        });
        return { code: r!.exitCode ?? null, stdout: r!.stdout, stderr: r!.stderr };
      },
    }));
}
