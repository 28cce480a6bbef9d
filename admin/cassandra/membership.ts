// Ring growth and shrinkage, and replication changes (the operator's "expand cassandra to 19
// nodes … change how many nodes have each piece of data … repair on all"):
// - addNodes: bootstrap new nodes ONE at a time; the next starts only when the previous is UN in
//   every existing node's `nodetool status` and its own `nodetool netstats` says NORMAL with no
//   streams (Cassandra refuses concurrent bootstraps, and a bootstrap streaming from a down
//   node loses data);
// - removeNode: `nodetool decommission`, then wait until every other node has dropped it;
// - setReplication: ALTER KEYSPACE, then a full repair of that keyspace (the caller's).
// Each refuses when it would leave fewer live replicas than the consistency level needs
// (`replicaProblems`, replication.ts). Nodes are reached through injected nodetool runners
// (repair.ts's RepairNode), so this module knows no SSH and no services file.
import { parseNodetoolStatus, type NodetoolRow } from '../probes/nodetool-status.js';
import { CassandraError } from './errors.js';
import { parseNetstats } from './nodetool/parse.js';
import type { RepairNode } from './repair.js';
import { replicaProblems, type KeyspaceReplication } from './replication.js';

export type MembershipEvent =
  | { kind: 'node-skip'; host: string; why: string }
  | { kind: 'node-start'; host: string; action: 'bootstrap' | 'decommission' }
  | { kind: 'node-state'; host: string; state: string; streaming: boolean }
  | { kind: 'node-done'; host: string; durationMs: number }
  | { kind: 'replication'; keyspace: string; cql: string };

/** One node's `nodetool status` rows, or an error naming the node. */
async function statusOf(n: RepairNode): Promise<NodetoolRow[]> {
  const r = await n
    .nodetool(['status'], 30_000)
    .catch((e: Error) => ({ code: 1, stdout: '', stderr: e.message }));
  const s = parseNodetoolStatus(r.stdout);
  if (r.code !== 0 || !s.ok) {
    throw new CassandraError(
      'nodetool',
      `${n.host}: nodetool status failed: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`,
    );
  }
  return s.rows;
}

/**
 * Every node's view, merged: address → the states the nodes see it in. A node whose nodetool
 * fails (its database is down) counts as seeing itself `DN` when another node lists it (or no
 * node answered): it is a member, not a live replica. One that no answering node lists has
 * left the ring (decommissioned, still in the services file): it is not counted.
 */
async function ringViews(nodes: readonly RepairNode[]): Promise<Map<string, string[]>> {
  const views = await Promise.all(
    nodes.map((n) =>
      statusOf(n).then(
        (rows) => ({ n, rows }),
        () => ({ n, rows: undefined }),
      ),
    ),
  );
  const seen = new Map<string, string[]>();
  for (const { rows } of views) {
    for (const row of rows ?? []) {
      seen.set(row.address, [...(seen.get(row.address) ?? []), `${row.status}${row.state}`]);
    }
  }
  const anyAnswered = views.some((v) => v.rows !== undefined);
  for (const { n, rows } of views) {
    if (rows === undefined && (!anyAnswered || seen.has(n.address))) {
      seen.set(n.address, [...(seen.get(n.address) ?? []), 'DN']);
    }
  }
  return seen;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface AddNodesOptions {
  /** The ring's current members (their nodetool). */
  ring: RepairNode[];
  /** The new nodes, bootstrapped in this order. */
  adding: RepairNode[];
  /** Start the database on a new node (the services file's command), without waiting. */
  start: (host: string) => Promise<void>;
  force?: boolean;
  /** Per node: how long a bootstrap may take (default 6 h). */
  nodeTimeoutMs?: number;
  pollMs?: number;
  onEvent?: (e: MembershipEvent) => void;
}

export interface MembershipSummary {
  done: { host: string; durationMs: number }[];
  skipped: string[];
}

/** Throw unless every current member sees every current member UN. */
async function requireRingUp(
  ring: readonly RepairNode[],
  what: string,
): Promise<Map<string, string[]>> {
  const seen = await ringViews(ring);
  const bad = [...seen.entries()]
    .filter(([, states]) => states.some((s) => s !== 'UN'))
    .map(([a, states]) => `${a} ${[...new Set(states)].join('/')}`);
  if (bad.length) {
    throw new CassandraError(
      'refused',
      `${what} refused: not every node is UN (--force to go on anyway):\n  ${bad.join('\n  ')}`,
    );
  }
  return seen;
}

export async function addNodes(o: AddNodesOptions): Promise<MembershipSummary> {
  if (o.ring.length === 0) {
    throw new CassandraError(
      'refused',
      'add-node: no existing ring member to join (every cassandra host is being added)',
    );
  }
  const seen = o.force ? await ringViews(o.ring) : await requireRingUp(o.ring, 'add-node');
  const summary: MembershipSummary = { done: [], skipped: [] };
  const poll = o.pollMs ?? 1000;
  for (const n of o.adding) {
    if (seen.get(n.address)?.every((s) => s === 'UN')) {
      summary.skipped.push(n.host);
      o.onEvent?.({ kind: 'node-skip', host: n.host, why: 'already UN in the ring' });
      continue;
    }
    o.onEvent?.({ kind: 'node-start', host: n.host, action: 'bootstrap' });
    const t0 = Date.now();
    await o.start(n.host);
    const deadline = t0 + (o.nodeTimeoutMs ?? 6 * 3600_000);
    let last = '';
    for (;;) {
      // What every current member that answers sees of the new node (a host still in the
      // services file but out of the ring does not answer, and does not hold this up).
      const answers = (
        await Promise.all(o.ring.map((m) => statusOf(m).catch(() => undefined)))
      ).filter((rows): rows is NodetoolRow[] => rows !== undefined);
      const states = answers.flatMap((rows) =>
        rows.filter((r) => r.address === n.address).map((r) => `${r.status}${r.state}`),
      );
      const net = await n.nodetool(['netstats'], 30_000).catch(() => undefined);
      const ns = net && net.code === 0 ? parseNetstats(net.stdout) : undefined;
      const state = states.length ? [...new Set(states)].join('/') : 'not in the ring yet';
      const now = `${state} ${ns?.mode ?? '?'} ${ns?.streaming ? 'streaming' : ''}`;
      if (now !== last) {
        last = now;
        o.onEvent?.({
          kind: 'node-state',
          host: n.host,
          state: ns ? `${state} (${ns.mode})` : state,
          streaming: ns?.streaming ?? false,
        });
      }
      if (
        answers.length > 0 &&
        states.length === answers.length &&
        states.every((s) => s === 'UN') &&
        ns?.mode === 'NORMAL' &&
        !ns.streaming
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new CassandraError(
          'timeout',
          `add-node: ${n.host} did not finish joining in time (last seen: ${state}, ${ns?.mode ?? 'netstats failed'}); the nodes after it were not started`,
        );
      }
      await sleep(poll);
    }
    const durationMs = Date.now() - t0;
    o.onEvent?.({ kind: 'node-done', host: n.host, durationMs });
    summary.done.push({ host: n.host, durationMs });
    o.ring = [...o.ring, n];
  }
  return summary;
}

export interface RemoveNodeOptions {
  node: RepairNode;
  /** The other members. */
  others: RepairNode[];
  keyspaces: KeyspaceReplication[];
  consistency: string;
  /** Stop the database on the node once it left (the services file's stop). */
  stop: (host: string) => Promise<void>;
  nodeTimeoutMs?: number;
  pollMs?: number;
  onEvent?: (e: MembershipEvent) => void;
}

export async function removeNode(o: RemoveNodeOptions): Promise<MembershipSummary> {
  const seen = await ringViews([o.node, ...o.others]);
  const self = seen.get(o.node.address) ?? [];
  if (self.length === 0) {
    throw new CassandraError(
      'refused',
      `remove-node: ${o.node.host} (${o.node.address}) is not in the ring`,
    );
  }
  if (!self.every((s) => s === 'UN')) {
    throw new CassandraError(
      'refused',
      `remove-node: ${o.node.host} is ${[...new Set(self)].join('/')}, not UN: decommission needs it up (a dead node is removed with nodetool removenode)`,
    );
  }
  const rest = [...seen.entries()].filter(([a]) => a !== o.node.address);
  const down = rest.filter(([, states]) => states.some((s) => s !== 'UN'));
  const problems = replicaProblems(o.keyspaces, o.consistency, rest.length, down.length);
  if (problems.length) {
    throw new CassandraError(
      'refused',
      `remove-node ${o.node.host} refused: the ring left would have ${rest.length} node(s)${down.length ? `, ${down.length} not UN (${down.map(([a, s]) => `${a} ${[...new Set(s)].join('/')}`).join(', ')})` : ''}:\n  ${problems.join('\n  ')}`,
    );
  }
  o.onEvent?.({ kind: 'node-start', host: o.node.host, action: 'decommission' });
  const t0 = Date.now();
  const r = await o.node.nodetool(['decommission'], o.nodeTimeoutMs ?? 6 * 3600_000);
  if (r.code !== 0) {
    const why = (r.stderr || r.stdout).trim().split('\n')[0] ?? `exit ${r.code}`;
    throw new CassandraError(
      'nodetool',
      `remove-node: nodetool decommission on ${o.node.host} failed: ${why.replace(/^error: /, '')}`,
    );
  }
  const deadline = Date.now() + 120_000;
  for (;;) {
    const views = await ringViews(
      o.others.filter((n) => !down.some(([a]) => a === n.address)),
    ).catch(() => undefined);
    if (views && !views.has(o.node.address)) {
      break;
    }
    if (Date.now() > deadline) {
      throw new CassandraError(
        'timeout',
        `remove-node: ${o.node.host} decommissioned, but the other nodes still list it`,
      );
    }
    await sleep(o.pollMs ?? 500);
  }
  o.onEvent?.({ kind: 'node-state', host: o.node.host, state: 'left the ring', streaming: false });
  await o.stop(o.node.host);
  const durationMs = Date.now() - t0;
  o.onEvent?.({ kind: 'node-done', host: o.node.host, durationMs });
  return { done: [{ host: o.node.host, durationMs }], skipped: [] };
}

/** The ring's members and how many are not UN in some node's view (for the replication check). */
export async function ringCounts(
  nodes: readonly RepairNode[],
): Promise<{ nodes: number; down: string[] }> {
  const seen = await ringViews(nodes);
  return {
    nodes: seen.size,
    down: [...seen.entries()].filter(([, s]) => s.some((x) => x !== 'UN')).map(([a]) => a),
  };
}
