// Ring membership on a deployment: grow the ring, shrink it, change a keyspace's replication
// (admin/cassandra/membership.ts does the work; this wires it to the services file's hosts and
// the deployment's start, stop and lock).
import type { MembershipSummary } from '../../../cassandra/index.js';
import { UsageError } from '../../../errors.js';
import type { Deployment } from '../../deployment.js';
import type {
  AddNodeOptions,
  CassandraApi,
  ReplicationOptions,
  ReplicationResult,
} from '../cassandra.js';
import { cassandraNodes, ringNodes } from './nodes.js';

/**
 * Grow the ring: start the database on each new host (already a cassandra host in the
 * services file) and wait until it is UN everywhere and done streaming, ONE at a time.
 * Refuses while a current member is not UN (unless `force`); a host already UN is skipped,
 * so a re-run after a failure goes on where it stopped. Holds the operator lock.
 */
export async function addNodes(
  dep: Deployment,
  hosts: string | string[],
  options: AddNodeOptions,
): Promise<MembershipSummary> {
  const c = await import('../../../cassandra/index.js');
  const adding = cassandraHosts(dep, hosts, 'add-node');
  return dep.locked('cassandra add-node', () =>
    c.addNodes({
      ring: ringNodes(dep).filter((n) => !adding.includes(n.host)),
      adding: adding.map((h) => ringNodes(dep, [h])[0]!),
      start: async (host) => {
        const r = await dep.start('cassandra', { hosts: [host], wait: false });
        if (r.failures.length) {
          throw new c.CassandraError(
            'nodetool',
            `add-node: starting cassandra on ${host} failed: ${r.failures.map((f) => f.reason).join('; ')}`,
          );
        }
      },
      ...(options.force ? { force: true } : {}),
      ...(options.nodeTimeoutMs ? { nodeTimeoutMs: options.nodeTimeoutMs } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    }),
  );
}

/**
 * Shrink the ring: `nodetool decommission` on `host`, wait until the others dropped it, stop
 * its database. Refused when the ring left would have fewer live replicas than the
 * consistency level needs for some keyspace. Holds the operator lock.
 */
export async function removeNode(
  api: CassandraApi,
  dep: Deployment,
  host: string,
  options: AddNodeOptions,
): Promise<MembershipSummary> {
  const c = await import('../../../cassandra/index.js');
  const [h, ...more] = cassandraHosts(dep, host, 'remove-node');
  if (!h || more.length) {
    throw new UsageError('remove-node: name exactly one host (nodes leave one at a time)');
  }
  const keyspaces = await api.keyspaces();
  return dep.locked('cassandra remove-node', () =>
    c.removeNode({
      node: ringNodes(dep, [h])[0]!,
      others: ringNodes(dep).filter((n) => n.host !== h),
      keyspaces,
      consistency: api.connection().consistency ?? 'QUORUM',
      stop: async (x) => {
        const r = await dep.stop('cassandra', { hosts: [x] });
        if (r.failures.length) {
          throw new c.CassandraError(
            'nodetool',
            `remove-node: ${x} left the ring, but stopping its cassandra failed: ${r.failures.map((f) => f.reason).join('; ')}`,
          );
        }
      },
      ...(options.nodeTimeoutMs ? { nodeTimeoutMs: options.nodeTimeoutMs } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    }),
  );
}

/**
 * Change a keyspace's replication (`rf`, or per-datacenter `dcs`), then run a full rolling
 * repair of it so the new replicas get their data. Refused while a node is not UN (unless
 * `force`) and when the new factor exceeds the ring or leaves too few live replicas for the
 * consistency level. Holds the operator lock (the repair inside it too).
 */
export async function setReplication(
  api: CassandraApi,
  dep: Deployment,
  keyspace: string,
  options: ReplicationOptions,
): Promise<ReplicationResult> {
  const c = await import('../../../cassandra/index.js');
  const to = c.replicationFor({
    ...(options.rf !== undefined ? { rf: options.rf } : {}),
    ...(options.dcs ? { dcs: options.dcs } : {}),
  });
  const cql = c.alterKeyspaceCql(keyspace, to);
  return dep.locked('cassandra replication', async () => {
    const client = await api.client('salvo_admin');
    let from: Record<string, string>;
    try {
      const ks = (await c.keyspaceReplication(client)).find((k) => k.name === keyspace);
      if (!ks) {
        throw new c.CassandraError('invalid', `replication: no keyspace ${keyspace}`);
      }
      from = ks.replication;
      const counts = await c.ringCounts(ringNodes(dep));
      const consistency = api.connection().consistency ?? 'QUORUM';
      const problems = [
        ...(options.force || counts.down.length === 0
          ? []
          : [`not every node is UN: ${counts.down.join(', ')} (--force to go on anyway)`]),
        ...c.replicationProblems({
          keyspace,
          from,
          to,
          nodes: counts.nodes,
          down: counts.down.length,
          consistency,
        }),
      ];
      if (problems.length) {
        throw new c.CassandraError(
          'refused',
          `replication ${keyspace} refused:\n  ${problems.join('\n  ')}`,
        );
      }
      const changed = JSON.stringify(sortKeys(from)) !== JSON.stringify(sortKeys(to));
      if (changed) {
        options.onEvent?.({ kind: 'replication', keyspace, cql });
        await client.execute(cql);
      }
    } finally {
      await client.close();
    }
    const repair = await api.repair({
      keyspace,
      full: true,
      ...(options.force ? { force: true } : {}),
      ...(options.nodeTimeoutMs ? { nodeTimeoutMs: options.nodeTimeoutMs } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    return {
      keyspace,
      from,
      to,
      changed: JSON.stringify(sortKeys(from)) !== JSON.stringify(sortKeys(to)),
      repair,
    };
  });
}

/** The cassandra hosts of the services file named by `target`; an error for any other host. */
function cassandraHosts(dep: Deployment, target: string | string[], what: string): string[] {
  const c = cassandraNodes(dep).map((n) => n.unit.host);
  const hosts = (Array.isArray(target) ? target : [target]).flatMap((t) => dep.nodes(t));
  const stray = hosts.filter((h) => !c.includes(h));
  if (stray.length) {
    throw new UsageError(
      `${what}: ${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} not a cassandra host in ${dep.file} (add ${stray.length > 1 ? 'them' : 'it'} to the cassandra service's hosts first)`,
    );
  }
  return [...new Set(hosts)];
}

function sortKeys(o: Record<string, string>): [string, string][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
}
