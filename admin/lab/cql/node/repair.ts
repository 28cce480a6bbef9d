// LAB ONLY. Primary-range repair: the rows of every partition this node is primary for, merged
// from all replicas and written back to each (fails when a replica is down).
import { compare, replicasOf, tokenOf } from '../ring.js';
import { call } from '../rpc.js';
import { mergeRow, type Rows } from '../store.js';
import type { SimNode } from './index.js';

/**
 * Primary-range repair of one keyspace: for every partition this node is primary for, merge
 * the replicas' rows and write the result back to all of them. Fails when a replica is down.
 */
export async function repairKeyspace(node: SimNode, ks: string): Promise<number> {
  const rf = node.rfOf(ks);
  const tables = Object.keys(node.store.meta.tables).filter(
    (t) => t.startsWith(`${ks}.`) && !node.store.meta.tables[t]!.dropped,
  );
  // The replicas of this node's primary range: this node and the next RF-1 clockwise.
  const sorted = [...node.members].sort((a, b) => {
    const ta = tokenOf(a.address);
    const tb = tokenOf(b.address);
    return compare(ta, tb);
  });
  const at = sorted.findIndex((m) => m.address === node.self.address);
  for (let i = 0; i < rf; i++) {
    const m = sorted[(at + i) % sorted.length]!;
    if (!node.isUp(m.address)) {
      throw new Error(`Endpoint not alive: /${m.address}:${node.o.internodePort}`);
    }
  }
  let repaired = 0;
  for (const t of tables) {
    const def = node.store.meta.tables[t]!;
    const rowsByNode = await Promise.all(
      node.members.map(async (m) => {
        if (!node.isUp(m.address)) {
          return undefined;
        }
        return m.address === node.self.address
          ? node.store.rows(t)
          : call<Rows>(m.address, node.o.internodePort, { op: 'scan', table: t });
      }),
    );
    const merged: Rows = {};
    for (const rows of rowsByNode) {
      for (const [k, r] of Object.entries(rows ?? {})) {
        merged[k] = mergeRow(merged[k], r);
      }
    }
    for (const [key, row] of Object.entries(merged)) {
      const partition = JSON.stringify((JSON.parse(key) as unknown[]).slice(0, def.pk.length));
      const replicas = replicasOf(node.members, partition, rf);
      if (replicas[0]!.address !== node.self.address) {
        continue;
      }
      const down = replicas.find((m) => !node.isUp(m.address));
      if (down) {
        throw new Error(`Endpoint not alive: /${down.address}:${node.o.internodePort}`);
      }
      await Promise.all(
        replicas.map((m) =>
          m.address === node.self.address
            ? node.applyLocal(t, key, row)
            : call(m.address, node.o.internodePort, { op: 'write', table: t, key, row }),
        ),
      );
      repaired++;
    }
  }
  return repaired;
}
