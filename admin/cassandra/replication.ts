// Replication: how many replicas a consistency level needs, what a keyspace's replication map
// gives, whether a ring (or a change to it) leaves enough live replicas (`replicaProblems`,
// `replicationProblems`, pure), and the CQL that reads and changes a keyspace's replication.
import type { CassandraClient } from './client.js';
import { CassandraError } from './errors.js';

export interface KeyspaceReplication {
  name: string;
  replication: Record<string, string>;
}

/** Replicas a consistency level needs out of `rf` (QUORUM: a majority; ONE: 1; ALL: rf). */
export function requiredReplicas(consistency: string, rf: number): number {
  switch (consistency.toUpperCase()) {
    case 'ALL':
      return rf;
    case 'TWO':
      return 2;
    case 'THREE':
      return 3;
    case 'QUORUM':
    case 'LOCAL_QUORUM':
    case 'EACH_QUORUM':
    case 'SERIAL':
    case 'LOCAL_SERIAL':
      return Math.floor(rf / 2) + 1;
    default:
      return 1;
  }
}

/** A keyspace's replication factor (NetworkTopologyStrategy: the sum over its datacenters); 0 for local ones. */
export function replicationFactorOf(replication: Record<string, string>): number {
  const cls = replication.class ?? '';
  if (/(LocalStrategy|EverywhereStrategy)$/.test(cls)) {
    return 0;
  }
  if (/SimpleStrategy$/.test(cls)) {
    return Number(replication.replication_factor ?? 1);
  }
  return Object.entries(replication)
    .filter(([k]) => k !== 'class')
    .reduce((n, [, v]) => n + Number(v), 0);
}

/**
 * Why a ring of `nodes` members, `down` of them not UN, cannot serve `consistency` for these
 * keyspaces: in the worst case a partition's replicas include every down node, leaving
 * min(rf, nodes) − down live; fewer than the level needs is a problem. Empty: safe.
 */
export function replicaProblems(
  keyspaces: readonly KeyspaceReplication[],
  consistency: string,
  nodes: number,
  down: number,
): string[] {
  const problems: string[] = [];
  for (const ks of keyspaces) {
    const rf = replicationFactorOf(ks.replication);
    if (rf === 0) {
      continue;
    }
    const placed = Math.min(rf, nodes);
    const live = Math.max(0, placed - down);
    const need = requiredReplicas(consistency, rf);
    if (live < need) {
      problems.push(
        `${ks.name} (RF ${rf}): ${live} live replica(s) of ${placed} in the worst case, ${consistency} needs ${need}`,
      );
    }
  }
  return problems;
}

/** Every keyspace's replication, from system_schema (the driver, as any logged-in user). */
export async function keyspaceReplication(client: CassandraClient): Promise<KeyspaceReplication[]> {
  const r = await client.execute('SELECT keyspace_name, replication FROM system_schema.keyspaces');
  return r.rows
    .map((row) => ({
      name: String(row.keyspace_name),
      replication: (row.replication ?? {}) as Record<string, string>,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

const IDENT = /^[a-z_][a-z0-9_]*$/i;

/** The replication map for `--rf N` (SimpleStrategy) or per-datacenter factors (NetworkTopologyStrategy). */
export function replicationFor(want: {
  rf?: number;
  dcs?: Record<string, number>;
}): Record<string, string> {
  const bad = (n: number) => !Number.isInteger(n) || n < 1 || n > 99;
  if (want.dcs && Object.keys(want.dcs).length) {
    const out: Record<string, string> = { class: 'NetworkTopologyStrategy' };
    for (const [dc, n] of Object.entries(want.dcs)) {
      if (!/^[\w.-]+$/.test(dc) || bad(n)) {
        throw new CassandraError('invalid', `replication: bad datacenter factor ${dc}:${n}`);
      }
      out[dc] = String(n);
    }
    return out;
  }
  if (want.rf === undefined || bad(want.rf)) {
    throw new CassandraError(
      'invalid',
      `replication: the factor must be a whole number from 1 to 99, not ${want.rf}`,
    );
  }
  return { class: 'SimpleStrategy', replication_factor: String(want.rf) };
}

/** `ALTER KEYSPACE ks WITH replication = {…}` (names checked, values quoted). */
export function alterKeyspaceCql(keyspace: string, replication: Record<string, string>): string {
  if (!IDENT.test(keyspace)) {
    throw new CassandraError(
      'invalid',
      `replication: bad keyspace name ${JSON.stringify(keyspace)}`,
    );
  }
  const body = Object.entries(replication)
    .map(([k, v]) => `'${k.replace(/'/g, "''")}': '${v.replace(/'/g, "''")}'`)
    .join(', ');
  return `ALTER KEYSPACE ${keyspace} WITH replication = {${body}}`;
}

export interface ReplicationCheck {
  keyspace: string;
  from: Record<string, string>;
  to: Record<string, string>;
  nodes: number;
  down: number;
  consistency: string;
}

/** Why a replication change would be unsafe: more replicas than nodes, or too few live for the level. */
export function replicationProblems(c: ReplicationCheck): string[] {
  const rf = replicationFactorOf(c.to);
  const out: string[] = [];
  if (rf > c.nodes) {
    out.push(`${c.keyspace}: RF ${rf} but the ring has ${c.nodes} node(s)`);
  }
  out.push(
    ...replicaProblems([{ name: c.keyspace, replication: c.to }], c.consistency, c.nodes, c.down),
  );
  return out;
}
