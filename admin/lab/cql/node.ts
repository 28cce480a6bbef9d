// LAB ONLY. One simulated Cassandra node in its ring: its store, what it knows of its peers
// (gossip: a ping every 300 ms over the internode port; no answer = down), schema and roles
// spread to every live node, rows written to and read from the live replicas the keyspace's
// replication names (Unavailable when the consistency level cannot be met), primary-range repair
// that makes the replicas agree, and the faults tests inject.
import type { Server } from 'node:net';
import { invalid, unavailable } from './errors.js';
import {
  compare,
  hostIdOf,
  replicasOf,
  replicationFactor,
  required,
  tokenOf,
  type Member,
} from './ring.js';
import { call, serveRpc } from './rpc.js';
import { liveRow, mergeRow, type Meta, type Row, type Rows, Store } from './store.js';

export type NodeState = 'joining' | 'normal' | 'leaving' | 'drained' | 'decommissioned';

export interface PeerView {
  up: boolean;
  state: NodeState;
  schemaVersion?: string;
  release?: string;
  load?: number;
}

/** What a node reports while it streams (bootstrap: receiving; decommission: sending). */
export interface Streaming {
  direction: 'receiving' | 'sending';
  peers: string[];
  files: number;
  bytes: number;
  done: number; // 0..1
}

export interface Fault {
  kind: 'timeout' | 'overloaded' | 'unavailable' | 'drop' | 'delay' | 'hang';
  match?: string; // regex on the query text; default: any statement outside system keyspaces
  count?: number; // how many statements it hits (default: until cleared)
  ms?: number; // delay
}

export interface RepairConfig {
  ms: number; // how long a repair takes
  fail?: boolean;
  hang?: boolean;
}

export interface NodeOptions {
  self: Member;
  members: Member[];
  internodePort: number;
  release: string;
  clusterName: string;
  dataFile?: string;
  /** How long a starting node is Joining (streaming its ranges), then Normal. */
  joinMs: number;
  /** How long a decommissioned node is Leaving (streaming its ranges away). */
  leaveMs?: number;
}

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
  private streamWindow: { direction: Streaming['direction']; from: number; ms: number } | undefined;
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
    const w = this.streamWindow;
    if (!w || (this.state !== 'joining' && this.state !== 'leaving')) {
      return undefined;
    }
    const peers = this.others()
      .filter((m) => this.isUp(m.address))
      .map((m) => m.address);
    const bytes = Math.max(1, this.load() - 70_000) * Math.max(1, peers.length);
    return {
      direction: w.direction,
      peers,
      files: 2 * Math.max(1, peers.length),
      bytes,
      done: Math.min(1, (Date.now() - w.from) / Math.max(1, w.ms)),
    };
  }

  /** A member the ring did not know: it joins the list (unless it left and is not rejoining). */
  private learn(m: Member, rejoining: boolean): void {
    const left = this.store.state.left ?? [];
    if (m.address === this.self.address || this.members.some((x) => x.address === m.address)) {
      return;
    }
    if (left.includes(m.address)) {
      if (!rejoining) {
        return;
      }
      this.store.state.left = left.filter((a) => a !== m.address);
    }
    this.members = [...this.members, m];
    this.store.dirty();
  }

  /** A member that left the ring (decommissioned): gone from the member list and from status. */
  private forget(address: string): void {
    if (address === this.self.address) {
      return;
    }
    const left = this.store.state.left ?? [];
    if (!left.includes(address)) {
      this.store.state.left = [...left, address];
    }
    this.members = this.members.filter((m) => m.address !== address);
    this.peers.delete(address);
    this.store.dirty();
  }

  get up(): boolean {
    return this.state === 'joining' || this.state === 'normal' || this.state === 'leaving';
  }

  async start(): Promise<void> {
    this.rpc = serveRpc((req) => this.handle(req));
    await new Promise<void>((resolve, reject) => {
      this.rpc!.once('error', reject);
      this.rpc!.listen(this.o.internodePort, this.self.address, () => resolve());
    });
    this.gossipTimer = setInterval(() => void this.gossip(), 300);
    await this.gossip();
    // A node new to the ring bootstraps (streams its ranges in); a restarted one only rejoins.
    const fresh = !this.store.state.bootstrapped;
    if (fresh) {
      this.streamWindow = { direction: 'receiving', from: Date.now(), ms: this.o.joinMs };
    }
    setTimeout(() => {
      void this.bootstrap(fresh);
    }, this.o.joinMs).unref();
  }

  /**
   * The end of joining: a node new to the ring takes the rows it now replicates from the live
   * nodes (a restarted node does not: what it missed meanwhile waits for repair), then Normal.
   */
  private async bootstrap(fresh: boolean): Promise<void> {
    if (this.state !== 'joining') {
      return;
    }
    if (fresh) {
      try {
        await this.streamIn();
      } catch {
        // a peer went away mid-stream: what arrived stays; repair fixes the rest
      }
    }
    if (this.state === 'joining') {
      this.state = 'normal';
      this.store.state.bootstrapped = true;
      this.store.dirty();
    }
  }

  /** Every row this node replicates under the current ring, from the live nodes. */
  private async streamIn(): Promise<void> {
    for (const [t, def] of Object.entries(this.store.meta.tables)) {
      if (def.dropped) {
        continue;
      }
      const ks = t.split('.')[0]!;
      const rf = this.rfOf(ks);
      for (const m of this.others().filter((x) => this.isUp(x.address))) {
        const rows = await call<Rows>(m.address, this.o.internodePort, { op: 'scan', table: t });
        for (const [key, row] of Object.entries(rows)) {
          const partition = JSON.stringify((JSON.parse(key) as unknown[]).slice(0, def.pk.length));
          if (
            replicasOf(this.members, partition, rf).some((r) => r.address === this.self.address)
          ) {
            this.applyLocal(t, key, row);
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
  async decommission(force: boolean): Promise<void> {
    if (this.state !== 'normal') {
      throw new Error(
        `Node in ${this.state.toUpperCase()} state; wait for status to become normal or restart`,
      );
    }
    const rest = this.members.filter((m) => m.address !== this.self.address);
    const liveRest = rest.filter((m) => this.isUp(m.address)).length;
    if (!force) {
      for (const [ks, def] of Object.entries(this.store.meta.keyspaces)) {
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
    this.state = 'leaving';
    this.store.state.bootstrapped = false; // if it is ever started again, it joins anew
    const ms = this.o.leaveMs ?? 1000;
    this.streamWindow = { direction: 'sending', from: Date.now(), ms };
    await new Promise((r) => setTimeout(r, ms));
    for (const [t, def] of Object.entries(this.store.meta.tables)) {
      if (def.dropped) {
        continue;
      }
      const rf = this.rfOf(t.split('.')[0]!);
      for (const [key, row] of Object.entries(this.store.rows(t))) {
        const partition = JSON.stringify((JSON.parse(key) as unknown[]).slice(0, def.pk.length));
        for (const m of replicasOf(rest, partition, Math.min(rf, rest.length))) {
          if (this.isUp(m.address)) {
            await call(m.address, this.o.internodePort, { op: 'write', table: t, key, row }).catch(
              () => undefined,
            );
          }
        }
      }
    }
    await Promise.all(
      rest
        .filter((m) => this.isUp(m.address))
        .map((m) =>
          call(m.address, this.o.internodePort, { op: 'left', address: this.self.address }).catch(
            () => undefined,
          ),
        ),
    );
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

  private async gossip(): Promise<void> {
    await Promise.all(
      this.others().map(async (m) => {
        try {
          const v = await call<
            PeerView & { metaVersion: string; members?: Member[]; left?: string[] }
          >(
            m.address,
            this.o.internodePort,
            { op: 'ping', from: this.self, state: this.state },
            1000,
          );
          if (!this.members.some((x) => x.address === m.address)) {
            return; // it left while we asked
          }
          this.peers.set(m.address, {
            up: true,
            state: v.state,
            ...(v.schemaVersion !== undefined ? { schemaVersion: v.schemaVersion } : {}),
            ...(v.release !== undefined ? { release: v.release } : {}),
            ...(v.load !== undefined ? { load: v.load } : {}),
          });
          for (const a of v.left ?? []) {
            if (a !== this.self.address) {
              this.forget(a);
            }
          }
          for (const x of v.members ?? []) {
            this.learn(x, false);
          }
          if (v.metaVersion !== this.store.metaVersion()) {
            const meta = await call<Meta>(m.address, this.o.internodePort, { op: 'meta' });
            this.store.mergeMeta(meta);
          }
        } catch {
          if (this.members.some((x) => x.address === m.address)) {
            const prev = this.peers.get(m.address);
            this.peers.set(m.address, { ...(prev ?? { state: 'normal' }), up: false });
          }
        }
      }),
    );
  }

  private async handle(req: Record<string, unknown>): Promise<unknown> {
    switch (req.op) {
      case 'ping': {
        const from = req.from as Member | undefined;
        if (from) {
          this.learn(from, req.state === 'joining');
        }
        return {
          state: this.state,
          schemaVersion: this.store.schemaVersion(),
          metaVersion: this.store.metaVersion(),
          release: this.o.release,
          load: this.load(),
          members: this.members,
          left: this.store.state.left ?? [],
        };
      }
      case 'left':
        this.forget(req.address as string);
        return true;
      case 'meta':
        return this.store.meta;
      case 'pushMeta':
        this.store.mergeMeta(req.meta as Meta);
        return true;
      case 'write':
        this.applyLocal(req.table as string, req.key as string, req.row as Row);
        return true;
      case 'partition':
        return partitionRows(
          this.store.rows(req.table as string),
          req.partition as string,
          req.pkLen as number,
        );
      case 'scan':
        return this.store.rows(req.table as string);
      default:
        throw new Error(`unknown op ${String(req.op)}`);
    }
  }

  /** After a schema or role change: tell every live peer now (gossip would, a little later). */
  async spreadMeta(): Promise<void> {
    this.store.dirty();
    await Promise.all(
      this.others()
        .filter((m) => this.isUp(m.address))
        .map((m) =>
          call(m.address, this.o.internodePort, { op: 'pushMeta', meta: this.store.meta }).catch(
            () => undefined,
          ),
        ),
    );
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
    const rf = this.rfOf(ks);
    const replicas = replicasOf(this.members, partition, rf);
    const live = replicas.filter((m) => this.isUp(m.address));
    const need = required(consistency, rf);
    if (live.length < need) {
      throw unavailable(consistency, need, live.length);
    }
    return live;
  }

  async write(
    ks: string,
    table: string,
    partition: string,
    key: string,
    row: Row,
    consistency: string,
  ): Promise<void> {
    const live = this.liveReplicas(ks, partition, consistency);
    await this.settle(
      ks,
      consistency,
      live.map(async (m) => {
        if (m.address === this.self.address) {
          this.applyLocal(`${ks}.${table}`, key, row);
          return;
        }
        await this.send(m.address, { op: 'write', table: `${ks}.${table}`, key, row });
      }),
    );
  }

  /** The live rows of one partition, merged from the live replicas the level needs. */
  async read(
    ks: string,
    table: string,
    partition: string,
    pkLen: number,
    consistency: string,
  ): Promise<Rows> {
    const live = this.liveReplicas(ks, partition, consistency);
    const all = await this.settle(
      ks,
      consistency,
      live.map(async (m) =>
        m.address === this.self.address
          ? partitionRows(this.store.rows(`${ks}.${table}`), partition, pkLen)
          : this.send<Rows>(m.address, {
              op: 'partition',
              table: `${ks}.${table}`,
              partition,
              pkLen,
            }),
      ),
    );
    return this.live(ks, table, all);
  }

  /** An internode message; a replica that does not take it is down from now on (until gossip says otherwise). */
  private async send<T>(address: string, req: Record<string, unknown>): Promise<T> {
    try {
      return await call<T>(address, this.o.internodePort, req);
    } catch (e) {
      const prev = this.peers.get(address);
      this.peers.set(address, { ...(prev ?? { state: 'normal' }), up: false });
      throw e;
    }
  }

  /** The answers of the replicas that answered; Unavailable when fewer than the level needs did. */
  private async settle<T>(ks: string, consistency: string, work: Promise<T>[]): Promise<T[]> {
    const results = await Promise.allSettled(work);
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const need = required(consistency, this.rfOf(ks));
    if (ok.length < need) {
      throw unavailable(consistency, need, ok.length);
    }
    return ok;
  }

  private live(ks: string, table: string, all: Rows[]): Rows {
    const merged: Rows = {};
    for (const rows of all) {
      for (const [k, r] of Object.entries(rows)) {
        merged[k] = mergeRow(merged[k], r);
      }
    }
    const now = Date.now();
    const out: Rows = {};
    for (const [k, r] of Object.entries(merged)) {
      const l = liveRow(r, now, this.store.meta.truncated[`${ks}.${table}`]);
      if (l) {
        out[k] = l;
      }
    }
    return out;
  }

  /** Every row of a table from every live node, merged (a full scan). */
  async scan(ks: string, table: string): Promise<Rows> {
    const all = await Promise.all(
      this.members
        .filter((m) => this.isUp(m.address))
        .map((m) =>
          m.address === this.self.address
            ? this.store.rows(`${ks}.${table}`)
            : call<Rows>(m.address, this.o.internodePort, {
                op: 'scan',
                table: `${ks}.${table}`,
              }).catch(() => ({}) as Rows),
        ),
    );
    return this.live(ks, table, all);
  }

  /**
   * Primary-range repair of one keyspace: for every partition this node is primary for, merge
   * the replicas' rows and write the result back to all of them. Fails when a replica is down.
   */
  async repairKeyspace(ks: string): Promise<number> {
    const rf = this.rfOf(ks);
    const tables = Object.keys(this.store.meta.tables).filter(
      (t) => t.startsWith(`${ks}.`) && !this.store.meta.tables[t]!.dropped,
    );
    // The replicas of this node's primary range: this node and the next RF-1 clockwise.
    const sorted = [...this.members].sort((a, b) => {
      const ta = tokenOf(a.address);
      const tb = tokenOf(b.address);
      return compare(ta, tb);
    });
    const at = sorted.findIndex((m) => m.address === this.self.address);
    for (let i = 0; i < rf; i++) {
      const m = sorted[(at + i) % sorted.length]!;
      if (!this.isUp(m.address)) {
        throw new Error(`Endpoint not alive: /${m.address}:${this.o.internodePort}`);
      }
    }
    let repaired = 0;
    for (const t of tables) {
      const def = this.store.meta.tables[t]!;
      const rowsByNode = await Promise.all(
        this.members.map(async (m) => {
          if (!this.isUp(m.address)) {
            return undefined;
          }
          return m.address === this.self.address
            ? this.store.rows(t)
            : call<Rows>(m.address, this.o.internodePort, { op: 'scan', table: t });
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
        const replicas = replicasOf(this.members, partition, rf);
        if (replicas[0]!.address !== this.self.address) {
          continue;
        }
        const down = replicas.find((m) => !this.isUp(m.address));
        if (down) {
          throw new Error(`Endpoint not alive: /${down.address}:${this.o.internodePort}`);
        }
        await Promise.all(
          replicas.map((m) =>
            m.address === this.self.address
              ? this.applyLocal(t, key, row)
              : call(m.address, this.o.internodePort, { op: 'write', table: t, key, row }),
          ),
        );
        repaired++;
      }
    }
    return repaired;
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
