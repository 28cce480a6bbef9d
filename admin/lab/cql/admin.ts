// LAB ONLY. The node's management port, where real nodetool talks JMX (7199): here one JSON
// request per connection (rpc.ts). nodetool's stand-in reads the ring, runs drain, snapshot,
// repair … through it; tests inject faults through it (`fault`, `repair-config`, `drop`).
import type { Server } from 'node:net';
import type { Fault, RepairConfig, SimNode } from './node/index.js';
import { hostIdOf, replicationFactor } from './ring.js';
import { serveRpc } from './rpc.js';
import type { NativeServer } from './server/index.js';

export interface RingRow {
  address: string;
  dc: string;
  rack: string;
  up: boolean;
  state: string;
  load: number;
  hostId: string;
  release: string;
  schemaVersion: string | undefined;
}

export interface AdminDeps {
  node: SimNode;
  native: NativeServer;
  /** Called by drain/decommission: close the native port (the process stays). */
  shutdownNative: () => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A peer's schema version, when it is up (a down node has none to agree with). */
function upVersion(v: { up: boolean; schemaVersion?: string } | undefined): string | undefined {
  return v?.up ? v.schemaVersion : undefined;
}

export function ringRows(node: SimNode): RingRow[] {
  return node.members.map((m) => {
    const self = m.address === node.self.address;
    const v = node.peers.get(m.address);
    return {
      address: m.address,
      dc: m.dc,
      rack: m.rack,
      up: self ? node.up : (v?.up ?? false),
      state: self ? node.state : (v?.state ?? 'normal'),
      load: self ? node.load() : (v?.load ?? 0),
      hostId: hostIdOf(m.address),
      release: self ? node.o.release : (v?.release ?? node.o.release),
      schemaVersion: self ? node.store.schemaVersion() : upVersion(v),
    };
  });
}

export function serveAdmin(d: AdminDeps): Server {
  const { node } = d;
  return serveRpc(async (req) => {
    switch (req.op) {
      case 'ring':
        return {
          rows: ringRows(node),
          self: node.self.address,
          clusterName: node.o.clusterName,
          keyspaces: Object.entries(node.store.meta.keyspaces)
            .filter(([, k]) => !k.dropped)
            .map(([name, k]) => ({
              name,
              replication: k.replication,
              rf: replicationFactor(k.replication, node.members.length),
            })),
        };
      case 'info':
        return {
          hostId: node.hostId,
          up: node.up,
          state: node.state,
          load: node.load(),
          generation: node.up ? node.generation : 0,
          uptime: Math.floor((Date.now() - node.startedAt) / 1000),
          dc: node.self.dc,
          rack: node.self.rack,
          release: node.o.release,
          repairedAt: node.store.state.repairedAt,
          streaming: node.streaming(),
        };
      case 'drain':
        if (node.state !== 'drained' && node.state !== 'decommissioned') {
          await d.shutdownNative();
          await node.stopNetwork('drained');
        }
        return true;
      case 'snapshot': {
        const name = String(req.name);
        if (node.store.state.snapshots.includes(name)) {
          throw new Error(`Snapshot ${name} already exists.`);
        }
        node.store.state.snapshots.push(name);
        node.store.flush();
        // What a snapshot holds: each live table's rows (nodetool's stand-in writes them as files).
        return {
          tables: Object.entries(node.store.meta.tables)
            .filter(([, t]) => !t.dropped)
            .map(([key, t]) => ({
              keyspace: key.split('.')[0]!,
              table: key.split('.').slice(1).join('.'),
              ts: t.ts,
              rows: JSON.stringify(node.store.state.data[key] ?? {}),
            })),
        };
      }
      case 'clearsnapshot': {
        const name = req.name as string | undefined;
        node.store.state.snapshots = name
          ? node.store.state.snapshots.filter((s) => s !== name)
          : [];
        node.store.flush();
        return true;
      }
      case 'snapshots':
        return node.store.state.snapshots;
      case 'repair': {
        const ks = String(req.keyspace);
        if (!node.store.meta.keyspaces[ks] || node.store.meta.keyspaces[ks]!.dropped) {
          throw new Error(`Keyspace [${ks}] does not exist.`);
        }
        const cfg = node.repair;
        node.repairs++;
        if (cfg.hang) {
          await new Promise(() => undefined);
        }
        await sleep(cfg.ms);
        if (cfg.fail) {
          throw new Error('Repair job failed (injected)');
        }
        const n = await node.repairKeyspace(ks);
        node.store.state.repairedAt = new Date().toISOString();
        node.store.flush();
        return { rf: node.rfOf(ks), partitions: n };
      }
      case 'decommission': {
        await node.decommission(req.force === true);
        await d.shutdownNative();
        await node.stopNetwork('decommissioned');
        return true;
      }
      case 'fault':
        node.faults.push(req.fault as Fault);
        return node.faults.length;
      case 'clear-faults':
        node.faults = [];
        node.repair = { ms: node.repair.ms };
        return true;
      case 'repair-config':
        node.repair = { ...node.repair, ...(req.config as Partial<RepairConfig>) };
        return node.repair;
      case 'compactions':
        // Lab only: the pending compaction tasks `nodetool compactionstats` reports.
        if (req.pending !== undefined) {
          node.pendingCompactions = Math.max(0, Number(req.pending) || 0);
        }
        return { pending: node.pendingCompactions };
      case 'drop':
        d.native.dropConnections();
        return true;
      case 'stats':
        return { repairs: node.repairs, faults: node.faults };
      default:
        throw new Error(`unknown op ${String(req.op)}`);
    }
  });
}
