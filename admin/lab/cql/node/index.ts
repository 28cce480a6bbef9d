// LAB ONLY. One simulated Cassandra node in its ring: its store, what it knows of its peers
// (gossip: a ping every 300 ms over the internode port; no answer = down), schema and roles
// spread to every live node, rows written to and read from the live replicas the keyspace's
// replication names (Unavailable when the consistency level cannot be met), primary-range repair
// that makes the replicas agree, and the faults tests inject. The SimNode holds the node's state
// and sends the work to its parts: gossip.ts (gossip, the internode port, spreading schema),
// coordinator.ts (reads and writes through the replicas), lifecycle.ts (bootstrap, decommission,
// streaming) and repair.ts; context.ts holds the types they share.
import type { Server } from 'node:net';
import { invalid } from '../errors.js';
import { hostIdOf, replicationFactor, tokenOf, type Member } from '../ring.js';
import { serveRpc } from '../rpc.js';
import { mergeRow, type Row, type Rows, Store } from '../store.js';
import type {
  Fault,
  NodeOptions,
  NodeState,
  PeerView,
  RepairConfig,
  Streaming,
  StreamWindow,
} from './context.js';
import { liveReplicas, read, scan, write } from './coordinator.js';
import { gossip, handle, spreadMeta } from './gossip.js';
import { bootstrap, decommission, streaming } from './lifecycle.js';
import { repairKeyspace } from './repair.js';

export type {
  Fault,
  NodeOptions,
  NodeState,
  PeerView,
  RepairConfig,
  Streaming,
} from './context.js';
export { partitionRows } from './coordinator.js';

export class SimNode {
  readonly store: Store;
  readonly self: Member;
  members: Member[];
  readonly hostId: string;
  state: NodeState = 'joining';
  readonly peers = new Map<string, PeerView>();
  faults: Fault[] = [];
  repair: RepairConfig = { ms: 200 };
  repairs = 0;
  /** Pending compaction tasks, as `nodetool compactionstats` reports them (set by tests). */
  pendingCompactions = 0;
  readonly startedAt = Date.now();
  readonly generation = Math.floor(Date.now() / 1000);
  private rpc: Server | undefined;
  private gossipTimer: NodeJS.Timeout | undefined;
  private streamWindow: StreamWindow | undefined;
  onDown: (() => void) | undefined;

  constructor(readonly o: NodeOptions) {
    this.store = new Store(o.dataFile);
    this.self = o.self;
    const left = new Set(this.store.state.left ?? []);
    left.delete(o.self.address); // a node that starts again rejoins
    this.store.state.left = [...left];
    this.members = o.members.filter((m) => !left.has(m.address));
    this.hostId = hostIdOf(o.self.address);
  }

  /** While joining or leaving: what streams, and how far (netstats). */
  streaming(): Streaming | undefined {
    return streaming(this, this.streamWindow);
  }

  get up(): boolean {
    return this.state === 'joining' || this.state === 'normal' || this.state === 'leaving';
  }

  async start(): Promise<void> {
    this.rpc = serveRpc((req) => handle(this, req));
    await new Promise<void>((resolve, reject) => {
      this.rpc!.once('error', reject);
      this.rpc!.listen(this.o.internodePort, this.self.address, () => resolve());
    });
    this.gossipTimer = setInterval(() => void gossip(this), 300);
    await gossip(this);
    // A node new to the ring bootstraps (streams its ranges in); a restarted one only rejoins.
    const fresh = !this.store.state.bootstrapped;
    if (fresh) {
      this.streamWindow = { direction: 'receiving', from: Date.now(), ms: this.o.joinMs };
    }
    setTimeout(() => {
      void bootstrap(this, fresh);
    }, this.o.joinMs).unref();
  }

  /**
   * nodetool decommission: Leaving for leaveMs (streaming), this node's rows handed to the
   * replicas of the ring without it, every live peer told it left; then the network stops.
   * Refused (as 4.x does) when a keyspace's replication factor exceeds the live nodes left.
   */
  decommission(force: boolean): Promise<void> {
    return decommission(this, force, (w) => {
      this.streamWindow = w;
    });
  }

  /** Stop gossip and the internode port (drain, decommission, shutdown). */
  async stopNetwork(state: NodeState): Promise<void> {
    this.state = state;
    clearInterval(this.gossipTimer);
    await new Promise<void>((r) => (this.rpc ? this.rpc.close(() => r()) : r()));
    this.store.flush();
    this.onDown?.();
  }

  others(): Member[] {
    return this.members.filter((m) => m.address !== this.self.address);
  }

  isUp(address: string): boolean {
    return address === this.self.address ? this.up : (this.peers.get(address)?.up ?? false);
  }

  /** Bytes of data this node holds (nodetool's Load). */
  load(): number {
    return Buffer.byteLength(JSON.stringify(this.store.state.data)) + 70_000;
  }

  /** After a schema or role change: tell every live peer now (gossip would, a little later). */
  spreadMeta(): Promise<void> {
    return spreadMeta(this);
  }

  applyLocal(table: string, key: string, row: Row): void {
    const rows = this.store.rows(table);
    rows[key] = mergeRow(rows[key], row);
    this.store.dirty();
  }

  rfOf(ks: string): number {
    const def = this.store.meta.keyspaces[ks];
    return replicationFactor(
      def?.replication ?? { class: 'SimpleStrategy', replication_factor: '1' },
      this.members.length,
    );
  }

  /** The live replicas of a partition, or Unavailable when fewer than the level needs. */
  liveReplicas(ks: string, partition: string, consistency: string): Member[] {
    return liveReplicas(this, ks, partition, consistency);
  }

  write(
    ks: string,
    table: string,
    partition: string,
    key: string,
    row: Row,
    consistency: string,
  ): Promise<void> {
    return write(this, ks, table, partition, key, row, consistency);
  }

  /** The live rows of one partition, merged from the live replicas the level needs. */
  read(
    ks: string,
    table: string,
    partition: string,
    pkLen: number,
    consistency: string,
  ): Promise<Rows> {
    return read(this, ks, table, partition, pkLen, consistency);
  }

  /** Every row of a table from every live node, merged (a full scan). */
  scan(ks: string, table: string): Promise<Rows> {
    return scan(this, ks, table);
  }

  /**
   * Primary-range repair of one keyspace: for every partition this node is primary for, merge
   * the replicas' rows and write the result back to all of them. Fails when a replica is down.
   */
  repairKeyspace(ks: string): Promise<number> {
    return repairKeyspace(this, ks);
  }

  /** The fault that hits this statement, if any (counted down). */
  faultFor(query: string): Fault | undefined {
    const i = this.faults.findIndex((f) =>
      f.match ? new RegExp(f.match, 'i').test(query) : !/\bsystem(_\w+)?\./i.test(query),
    );
    if (i < 0) {
      return undefined;
    }
    const f = this.faults[i]!;
    if (f.count !== undefined && --f.count <= 0) {
      this.faults.splice(i, 1);
    }
    return f;
  }

  tokens(): string[] {
    return [tokenOf(this.self.address).toString()];
  }

  checkKeyspace(ks: string): void {
    const def = this.store.meta.keyspaces[ks];
    if (!def || def.dropped) {
      throw invalid(`Keyspace ${ks} does not exist`);
    }
  }
}
