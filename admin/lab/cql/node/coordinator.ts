// LAB ONLY. Reads and writes through the ring: the live replicas a consistency level needs
// (Unavailable when too few), internode writes and partition reads, merged live rows, full scans.
import { unavailable } from '../errors.js';
import { replicasOf, required, type Member } from '../ring.js';
import { call } from '../rpc.js';
import { liveRow, mergeRow, type Row, type Rows } from '../store.js';
import type { SimNode } from './index.js';

/** The live replicas of a partition, or Unavailable when fewer than the level needs. */
export function liveReplicas(
  node: SimNode,
  ks: string,
  partition: string,
  consistency: string,
): Member[] {
  const rf = node.rfOf(ks);
  const replicas = replicasOf(node.members, partition, rf);
  const live = replicas.filter((m) => node.isUp(m.address));
  const need = required(consistency, rf);
  if (live.length < need) {
    throw unavailable(consistency, need, live.length);
  }
  return live;
}

export async function write(
  node: SimNode,
  ks: string,
  table: string,
  partition: string,
  key: string,
  row: Row,
  consistency: string,
): Promise<void> {
  const live = liveReplicas(node, ks, partition, consistency);
  await settle(
    node,
    ks,
    consistency,
    live.map(async (m) => {
      if (m.address === node.self.address) {
        node.applyLocal(`${ks}.${table}`, key, row);
        return;
      }
      await send(node, m.address, { op: 'write', table: `${ks}.${table}`, key, row });
    }),
  );
}

/** The live rows of one partition, merged from the live replicas the level needs. */
export async function read(
  node: SimNode,
  ks: string,
  table: string,
  partition: string,
  pkLen: number,
  consistency: string,
): Promise<Rows> {
  const live = liveReplicas(node, ks, partition, consistency);
  const all = await settle(
    node,
    ks,
    consistency,
    live.map(async (m) =>
      m.address === node.self.address
        ? partitionRows(node.store.rows(`${ks}.${table}`), partition, pkLen)
        : send<Rows>(node, m.address, {
            op: 'partition',
            table: `${ks}.${table}`,
            partition,
            pkLen,
          }),
    ),
  );
  return liveRows(node, ks, table, all);
}

/** An internode message; a replica that does not take it is down from now on (until gossip says otherwise). */
async function send<T>(node: SimNode, address: string, req: Record<string, unknown>): Promise<T> {
  try {
    return await call<T>(address, node.o.internodePort, req);
  } catch (e) {
    const prev = node.peers.get(address);
    node.peers.set(address, { ...(prev ?? { state: 'normal' }), up: false });
    throw e;
  }
}

/** The answers of the replicas that answered; Unavailable when fewer than the level needs did. */
async function settle<T>(
  node: SimNode,
  ks: string,
  consistency: string,
  work: Promise<T>[],
): Promise<T[]> {
  const results = await Promise.allSettled(work);
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const need = required(consistency, node.rfOf(ks));
  if (ok.length < need) {
    throw unavailable(consistency, need, ok.length);
  }
  return ok;
}

function liveRows(node: SimNode, ks: string, table: string, all: Rows[]): Rows {
  const merged: Rows = {};
  for (const rows of all) {
    for (const [k, r] of Object.entries(rows)) {
      merged[k] = mergeRow(merged[k], r);
    }
  }
  const now = Date.now();
  const out: Rows = {};
  for (const [k, r] of Object.entries(merged)) {
    const l = liveRow(r, now, node.store.meta.truncated[`${ks}.${table}`]);
    if (l) {
      out[k] = l;
    }
  }
  return out;
}

/** Every row of a table from every live node, merged (a full scan). */
export async function scan(node: SimNode, ks: string, table: string): Promise<Rows> {
  const all = await Promise.all(
    node.members
      .filter((m) => node.isUp(m.address))
      .map((m) =>
        m.address === node.self.address
          ? node.store.rows(`${ks}.${table}`)
          : call<Rows>(m.address, node.o.internodePort, {
              op: 'scan',
              table: `${ks}.${table}`,
            }).catch(() => ({}) as Rows),
      ),
  );
  return liveRows(node, ks, table, all);
}

/** The rows of `rows` in partition `partition` (the JSON of the partition key's values). */
export function partitionRows(rows: Rows, partition: string, pkLen: number): Rows {
  const out: Rows = {};
  for (const [k, r] of Object.entries(rows)) {
    if (JSON.stringify((JSON.parse(k) as unknown[]).slice(0, pkLen)) === partition) {
      out[k] = r;
    }
  }
  return out;
}
