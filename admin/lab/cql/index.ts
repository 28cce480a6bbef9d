// LAB ONLY. The CQL simulator: one process per lab db host, bound to that host's address, with
// its peers forming one ring (research/cassandra.md; docs/cassandra.md says what it does and
// does not do). Product code never imports this folder.
//   native protocol v4 on --port (9042), internode gossip and replication on --internode-port
//   (7000), a JMX-like management port for the nodetool stand-in on --jmx-port (7199).
import type { Server } from 'node:net';
import { serveAdmin } from './admin.js';
import { SimNode } from './node/index.js';
import { parseRing } from './ring.js';
import { NativeServer } from './server/index.js';

export { parseRing } from './ring.js';
export type { RingRow } from './admin.js';
export { call } from './rpc.js';

export interface SimulatorOptions {
  host: string;
  port: number;
  ring: string;
  internodePort?: number;
  jmxPort?: number;
  release: string;
  dataFile?: string;
  joinMs?: number;
  leaveMs?: number;
  clusterName?: string;
  auth?: boolean;
  log?: (message: string) => void;
}

export interface Simulator {
  node: SimNode;
  native: NativeServer;
  stop(): Promise<void>;
}

const closeServer = (s: Server): Promise<void> => new Promise((r) => s.close(() => r()));

export async function startSimulator(o: SimulatorOptions): Promise<Simulator> {
  let members = parseRing(o.ring);
  if (!members.some((m) => m.address === o.host)) {
    members = [...members, { address: o.host, dc: 'datacenter1', rack: 'rack1' }];
  }
  const self = members.find((m) => m.address === o.host)!;
  const node = new SimNode({
    self,
    members,
    internodePort: o.internodePort ?? 7000,
    release: o.release,
    clusterName: o.clusterName ?? 'Test Cluster',
    ...(o.dataFile ? { dataFile: o.dataFile } : {}),
    joinMs: o.joinMs ?? 1500,
    ...(o.leaveMs !== undefined ? { leaveMs: o.leaveMs } : {}),
  });
  const native = new NativeServer(node, o.auth ?? true);
  native.engine.ensureDefaultRole();
  await node.start();
  await native.listen(o.port);
  let nativeOpen = true;
  const admin = serveAdmin({
    node,
    native,
    shutdownNative: async () => {
      if (nativeOpen) {
        nativeOpen = false;
        await native.close();
        o.log?.('native transport stopped');
      }
    },
  });
  await new Promise<void>((resolve, reject) => {
    admin.once('error', reject);
    admin.listen(o.jmxPort ?? 7199, o.host, () => resolve());
  });
  o.log?.(
    `CQL simulator ${o.host}:${o.port} release ${o.release}, ring of ${members.length}, joining for ${o.joinMs ?? 1500} ms`,
  );
  return {
    node,
    native,
    async stop() {
      if (nativeOpen) {
        nativeOpen = false;
        await native.close();
      }
      if (node.up) {
        await node.stopNetwork('drained');
      }
      node.store.flush();
      await closeServer(admin);
    },
  };
}
