// LAB ONLY. Joining and leaving: what streams meanwhile (netstats), a new node's bootstrap
// (the rows it now replicates), and decommission (its rows handed on, its peers told).
import { replicasOf, replicationFactor } from '../ring.js';
import { call } from '../rpc.js';
import type { Rows } from '../store.js';
import type { Streaming, StreamWindow } from './context.js';
import type { SimNode } from './index.js';

/** While joining or leaving: what streams, and how far (netstats). */
export function streaming(node: SimNode, w: StreamWindow | undefined): Streaming | undefined {
  if (!w || (node.state !== 'joining' && node.state !== 'leaving')) {
    return undefined;
  }
  const peers = node
    .others()
    .filter((m) => node.isUp(m.address))
    .map((m) => m.address);
  const bytes = Math.max(1, node.load() - 70_000) * Math.max(1, peers.length);
  return {
    direction: w.direction,
    peers,
    files: 2 * Math.max(1, peers.length),
    bytes,
    done: Math.min(1, (Date.now() - w.from) / Math.max(1, w.ms)),
  };
}

/**
 * The end of joining: a node new to the ring takes the rows it now replicates from the live
 * nodes (a restarted node does not: what it missed meanwhile waits for repair), then Normal.
 */
export async function bootstrap(node: SimNode, fresh: boolean): Promise<void> {
  if (node.state !== 'joining') {
    return;
  }
  if (fresh) {
    try {
      await streamIn(node);
    } catch {
      // a peer went away mid-stream: what arrived stays; repair fixes the rest
    }
  }
  if (node.state === 'joining') {
    node.state = 'normal';
    node.store.state.bootstrapped = true;
    node.store.dirty();
  }
}

/** Every row this node replicates under the current ring, from the live nodes. */
async function streamIn(node: SimNode): Promise<void> {
  for (const [t, def] of Object.entries(node.store.meta.tables)) {
    if (def.dropped) {
      continue;
    }
    const ks = t.split('.')[0]!;
    const rf = node.rfOf(ks);
    for (const m of node.others().filter((x) => node.isUp(x.address))) {
      const rows = await call<Rows>(m.address, node.o.internodePort, { op: 'scan', table: t });
      for (const [key, row] of Object.entries(rows)) {
        const partition = JSON.stringify((JSON.parse(key) as unknown[]).slice(0, def.pk.length));
        if (replicasOf(node.members, partition, rf).some((r) => r.address === node.self.address)) {
          node.applyLocal(t, key, row);
        }
      }
    }
  }
}

/**
 * nodetool decommission: Leaving for leaveMs (streaming), this node's rows handed to the
 * replicas of the ring without it, every live peer told it left; then the network stops.
 * Refused (as 4.x does) when a keyspace's replication factor exceeds the live nodes left.
 */
export async function decommission(
  node: SimNode,
  force: boolean,
  setStreamWindow: (w: StreamWindow) => void,
): Promise<void> {
  if (node.state !== 'normal') {
    throw new Error(
      `Node in ${node.state.toUpperCase()} state; wait for status to become normal or restart`,
    );
  }
  const rest = node.members.filter((m) => m.address !== node.self.address);
  const liveRest = rest.filter((m) => node.isUp(m.address)).length;
  if (!force) {
    for (const [ks, def] of Object.entries(node.store.meta.keyspaces)) {
      const rf = replicationFactor(def.replication, Number.MAX_SAFE_INTEGER);
      if (
        !def.dropped &&
        !/LocalStrategy$/.test(def.replication.class ?? '') &&
        rf > liveRest &&
        rf > 1
      ) {
        throw new Error(
          `Not enough live nodes to maintain replication factor in keyspace ${ks} (RF = ${rf}, N = ${liveRest}). Perform a forceful decommission to ignore.`,
        );
      }
    }
  }
  node.state = 'leaving';
  node.store.state.bootstrapped = false; // if it is ever started again, it joins anew
  const ms = node.o.leaveMs ?? 1000;
  setStreamWindow({ direction: 'sending', from: Date.now(), ms });
  await new Promise((r) => setTimeout(r, ms));
  for (const [t, def] of Object.entries(node.store.meta.tables)) {
    if (def.dropped) {
      continue;
    }
    const rf = node.rfOf(t.split('.')[0]!);
    for (const [key, row] of Object.entries(node.store.rows(t))) {
      const partition = JSON.stringify((JSON.parse(key) as unknown[]).slice(0, def.pk.length));
      for (const m of replicasOf(rest, partition, Math.min(rf, rest.length))) {
        if (node.isUp(m.address)) {
          await call(m.address, node.o.internodePort, { op: 'write', table: t, key, row }).catch(
            () => undefined,
          );
        }
      }
    }
  }
  await Promise.all(
    rest
      .filter((m) => node.isUp(m.address))
      .map((m) =>
        call(m.address, node.o.internodePort, { op: 'left', address: node.self.address }).catch(
          () => undefined,
        ),
      ),
  );
}
