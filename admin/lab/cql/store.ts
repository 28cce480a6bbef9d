// LAB ONLY. One simulated node's own state: the schema and the roles (replicated to every node,
// merged last-write-wins per entry, like gossiped schema), and the rows this node holds as a
// replica (cells with write timestamps and TTL expiry). Kept in one JSON file under the node's
// data directory, written whole after changes, so a stopped node comes back with its data.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from '../../fs/index.js';
import type { Value } from './types.js';

export interface KeyspaceDef {
  replication: Record<string, string>;
  ts: number;
  dropped?: boolean;
}
export interface TableDef {
  columns: { name: string; type: string }[];
  pk: string[];
  ck: string[];
  ts: number;
  dropped?: boolean;
}
export interface RoleDef {
  password?: string;
  login: boolean;
  superuser: boolean;
  memberOf: string[];
  ts: number;
  dropped?: boolean;
}
export interface Meta {
  keyspaces: Record<string, KeyspaceDef>;
  tables: Record<string, TableDef>; // "ks.t"
  roles: Record<string, RoleDef>;
  perms: Record<string, { granted: boolean; ts: number }>; // "role|resource|perm"
  truncated: Record<string, number>; // "ks.t" → µs timestamp
}
export interface Cell {
  v: Value;
  ts: number; // µs
  exp?: number; // ms epoch
}
export interface Row {
  cells: Record<string, Cell>;
  marker?: { ts: number; exp?: number };
  deleted?: number; // µs: everything at or before is gone
}
export type Rows = Record<string, Row>; // key: JSON of [pk…, ck…] values

export interface Persisted {
  meta: Meta;
  data: Record<string, Rows>;
  snapshots: string[];
  repairedAt?: string;
  /** Addresses that left the ring (decommissioned): not members again unless they rejoin. */
  left?: string[];
  /** Set once the node has joined the ring: a restart does not bootstrap (stream) again. */
  bootstrapped?: boolean;
}

export const SYSTEM_KEYSPACES: Record<string, KeyspaceDef> = {
  system_auth: { replication: { class: 'SimpleStrategy', replication_factor: '1' }, ts: 0 },
  system_distributed: { replication: { class: 'SimpleStrategy', replication_factor: '3' }, ts: 0 },
  system_traces: { replication: { class: 'SimpleStrategy', replication_factor: '2' }, ts: 0 },
};

export function emptyState(): Persisted {
  return {
    meta: { keyspaces: { ...SYSTEM_KEYSPACES }, tables: {}, roles: {}, perms: {}, truncated: {} },
    data: {},
    snapshots: [],
  };
}

export class Store {
  state: Persisted;
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly file: string | undefined) {
    this.state = emptyState();
    if (file) {
      try {
        this.state = { ...emptyState(), ...(JSON.parse(readFileSync(file, 'utf8')) as Persisted) };
      } catch {
        // a first start: no file yet
      }
    }
  }
  get meta(): Meta {
    return this.state.meta;
  }
  /** Write soon (changes come in bursts); flush() writes now. */
  dirty(): void {
    if (this.file && !this.timer) {
      this.timer = setTimeout(() => this.flush(), 20);
    }
  }
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.file) {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileAtomicSync(this.file, JSON.stringify(this.state));
    }
  }
  rows(table: string): Rows {
    this.state.data[table] ??= {};
    return this.state.data[table]!;
  }
  /** The schema's version: a name-based UUID of the live schema, equal on nodes that agree. */
  schemaVersion(): string {
    const live = (o: Record<string, { dropped?: boolean; ts: number }>) =>
      Object.keys(o)
        .filter((k) => !o[k]!.dropped)
        .sort()
        .map((k) => [k, o[k]!.ts]);
    const h = createHash('md5')
      .update(JSON.stringify([live(this.meta.keyspaces), live(this.meta.tables)]))
      .digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-3${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  }
  metaVersion(): string {
    return createHash('md5').update(JSON.stringify(this.meta)).digest('hex');
  }
  /** Merge another node's schema and roles: the newer entry wins, drops included. */
  mergeMeta(other: Meta): boolean {
    const before = this.metaVersion();
    for (const key of ['keyspaces', 'tables', 'roles', 'perms'] as const) {
      const mine = this.meta[key] as Record<string, { ts: number }>;
      for (const [k, v] of Object.entries(other[key] as Record<string, { ts: number }>)) {
        if (!mine[k] || mine[k]!.ts < v.ts) {
          mine[k] = v;
        }
      }
    }
    for (const [k, ts] of Object.entries(other.truncated)) {
      if ((this.meta.truncated[k] ?? 0) < ts) {
        this.meta.truncated[k] = ts;
      }
    }
    const changed = before !== this.metaVersion();
    if (changed) {
      this.dirty();
    }
    return changed;
  }
}

/** Merge row `b` into row `a` (last write wins per cell). */
export function mergeRow(a: Row | undefined, b: Row): Row {
  const out: Row = a
    ? { cells: { ...a.cells }, ...(a.marker ? { marker: a.marker } : {}) }
    : { cells: {} };
  if (a?.deleted !== undefined) {
    out.deleted = a.deleted;
  }
  if (b.deleted !== undefined && (out.deleted ?? -1) < b.deleted) {
    out.deleted = b.deleted;
  }
  if (b.marker && (!out.marker || out.marker.ts < b.marker.ts)) {
    out.marker = b.marker;
  }
  for (const [c, cell] of Object.entries(b.cells)) {
    const mine = out.cells[c];
    if (!mine || mine.ts < cell.ts) {
      out.cells[c] = cell;
    }
  }
  if (out.deleted !== undefined) {
    for (const [c, cell] of Object.entries(out.cells)) {
      if (cell.ts <= out.deleted) {
        delete out.cells[c];
      }
    }
    if (out.marker && out.marker.ts <= out.deleted) {
      delete out.marker;
    }
  }
  return out;
}

/** The row as a reader sees it now: live cells only; undefined when nothing is live. */
export function liveRow(row: Row | undefined, now: number, truncatedAt = -1): Row | undefined {
  if (!row) {
    return undefined;
  }
  const cells: Record<string, Cell> = {};
  for (const [c, cell] of Object.entries(row.cells)) {
    if (cell.ts > truncatedAt && (cell.exp === undefined || cell.exp > now) && cell.v !== null) {
      cells[c] = cell;
    }
  }
  const marker =
    row.marker &&
    row.marker.ts > truncatedAt &&
    (row.marker.exp === undefined || row.marker.exp > now)
      ? row.marker
      : undefined;
  if (!marker && Object.keys(cells).length === 0) {
    return undefined;
  }
  return marker ? { cells, marker } : { cells };
}
