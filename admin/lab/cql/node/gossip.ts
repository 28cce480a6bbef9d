// LAB ONLY. Gossip and the internode port: a ping every 300 ms (no answer = down), members
// learned and forgotten, schema and roles merged and spread, and the requests peers send.
import type { Member } from '../ring.js';
import { call } from '../rpc.js';
import type { Meta, Row } from '../store.js';
import type { PeerView } from './context.js';
import { partitionRows } from './coordinator.js';
import type { SimNode } from './index.js';

/** A member the ring did not know: it joins the list (unless it left and is not rejoining). */
function learn(node: SimNode, m: Member, rejoining: boolean): void {
  const left = node.store.state.left ?? [];
  if (m.address === node.self.address || node.members.some((x) => x.address === m.address)) {
    return;
  }
  if (left.includes(m.address)) {
    if (!rejoining) {
      return;
    }
    node.store.state.left = left.filter((a) => a !== m.address);
  }
  node.members = [...node.members, m];
  node.store.dirty();
}

/** A member that left the ring (decommissioned): gone from the member list and from status. */
function forget(node: SimNode, address: string): void {
  if (address === node.self.address) {
    return;
  }
  const left = node.store.state.left ?? [];
  if (!left.includes(address)) {
    node.store.state.left = [...left, address];
  }
  node.members = node.members.filter((m) => m.address !== address);
  node.peers.delete(address);
  node.store.dirty();
}

export async function gossip(node: SimNode): Promise<void> {
  await Promise.all(
    node.others().map(async (m) => {
      try {
        const v = await call<
          PeerView & { metaVersion: string; members?: Member[]; left?: string[] }
        >(
          m.address,
          node.o.internodePort,
          { op: 'ping', from: node.self, state: node.state },
          1000,
        );
        if (!node.members.some((x) => x.address === m.address)) {
          return; // it left while we asked
        }
        node.peers.set(m.address, {
          up: true,
          state: v.state,
          ...(v.schemaVersion !== undefined ? { schemaVersion: v.schemaVersion } : {}),
          ...(v.release !== undefined ? { release: v.release } : {}),
          ...(v.load !== undefined ? { load: v.load } : {}),
        });
        for (const a of v.left ?? []) {
          if (a !== node.self.address) {
            forget(node, a);
          }
        }
        for (const x of v.members ?? []) {
          learn(node, x, false);
        }
        if (v.metaVersion !== node.store.metaVersion()) {
          const meta = await call<Meta>(m.address, node.o.internodePort, { op: 'meta' });
          node.store.mergeMeta(meta);
        }
      } catch {
        if (node.members.some((x) => x.address === m.address)) {
          const prev = node.peers.get(m.address);
          node.peers.set(m.address, { ...(prev ?? { state: 'normal' }), up: false });
        }
      }
    }),
  );
}

export async function handle(node: SimNode, req: Record<string, unknown>): Promise<unknown> {
  switch (req.op) {
    case 'ping': {
      const from = req.from as Member | undefined;
      if (from) {
        learn(node, from, req.state === 'joining');
      }
      return {
        state: node.state,
        schemaVersion: node.store.schemaVersion(),
        metaVersion: node.store.metaVersion(),
        release: node.o.release,
        load: node.load(),
        members: node.members,
        left: node.store.state.left ?? [],
      };
    }
    case 'left':
      forget(node, req.address as string);
      return true;
    case 'meta':
      return node.store.meta;
    case 'pushMeta':
      node.store.mergeMeta(req.meta as Meta);
      return true;
    case 'write':
      node.applyLocal(req.table as string, req.key as string, req.row as Row);
      return true;
    case 'partition':
      return partitionRows(
        node.store.rows(req.table as string),
        req.partition as string,
        req.pkLen as number,
      );
    case 'scan':
      return node.store.rows(req.table as string);
    default:
      throw new Error(`unknown op ${String(req.op)}`);
  }
}

/** After a schema or role change: tell every live peer now (gossip would, a little later). */
export async function spreadMeta(node: SimNode): Promise<void> {
  node.store.dirty();
  await Promise.all(
    node
      .others()
      .filter((m) => node.isUp(m.address))
      .map((m) =>
        call(m.address, node.o.internodePort, { op: 'pushMeta', meta: node.store.meta }).catch(
          () => undefined,
        ),
      ),
  );
}
