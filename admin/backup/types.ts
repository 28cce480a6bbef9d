// The shapes of the backup subsystem: validated rules, the planned series, and what runs return.
import type { SourcePos } from '../inventory/types.js';

/** How many snapshots of each period to keep; the newest complete one is always kept. */
export interface Retention {
  last: number;
  daily: number;
  weekly: number;
  monthly: number;
}

export interface CronSettings {
  /** The cron file written on each source node (one per node, atomically). */
  file: string;
  /** The backup script it runs (the same one `salvo backup run` sends). */
  script: string;
  /** Where that script logs; rotated past `logMaxBytes`. */
  log: string;
  logMaxBytes: number;
}

/** A `cassandra` set: what is snapshotted on each db node and where its data lives. */
export interface CassandraSource {
  /** Cassandra's data_file_directories entry (default /var/lib/cassandra/data). */
  dataDir: string;
  /** Only these keyspaces (nodetool snapshot KS…); empty: all. */
  keyspaces: string[];
}

export interface BackupSet {
  name: string;
  /** `files` (paths) or `cassandra` (a `nodetool snapshot` of each node, its directories). */
  type: 'files' | 'cassandra';
  sources: string[];
  /** `files`: the paths; `cassandra`: empty (the snapshot's directories). */
  paths: string[];
  cassandra?: CassandraSource;
  exclude: string[];
  /** The candidate target hosts, in order; each source takes the next `copies` after itself. */
  targetHosts: string[];
  copies: number;
  /** `host`: never the same physical host (a VM's vm_on); `none`: only never itself. */
  avoid: 'host' | 'none';
  root: string;
  retention: Retention;
  maxAgeMs: number;
  schedule: string;
  /** rsync --bwlimit (KiB/s, or with a unit as rsync takes it), '' for none. */
  bwlimit: string;
  pos: SourcePos;
}

export interface BackupRules {
  file: string;
  user: string;
  cron: CronSettings;
  sets: BackupSet[];
}

/** Where a target host is dialled from a source node. */
export interface Endpoint {
  host: string;
  address: string;
  port: number;
  user: string;
}

/** One source's copy of one set on one target: the unit that is locked, published and pruned. */
export interface Series {
  /** `srv/cloud1@cloud2` */
  id: string;
  set: string;
  source: string;
  target: Endpoint;
  /** The series directory on the target: ROOT/DEPLOYMENT/SET/SOURCE. */
  dir: string;
  paths: string[];
  exclude: string[];
  bwlimit: string;
  retention: Retention;
  maxAgeMs: number;
  /**
   * A cassandra series: the source's nodetool argv (the services file's `nodetool:`, rendered for
   * that node), its data directory and keyspaces. Its snapshot's tree is `<ks>/<table>-<id>/…`.
   */
  cassandra?: CassandraSource & { nodetool: string[] };
}

export type SeriesStatus = 'ok' | 'locked' | 'failed' | 'unreachable' | 'aborted';

/** Who holds a series lock, as written in DIR/.holder by the run that holds it. */
export interface SeriesHolder {
  host: string;
  pid: number;
  user: string;
  startedAt: string;
  what?: string;
}

export interface SeriesResult {
  series: string;
  source: string;
  target: string;
  status: SeriesStatus;
  /** The published snapshot (status ok). */
  snapshot?: string;
  files?: number;
  bytes?: number;
  durationMs: number;
  /** Why it failed, or who holds the lock. */
  message?: string;
  holder?: SeriesHolder;
}

export interface RunResult {
  dryRun: boolean;
  /** A scheduled run that did not start: maintenance is on (exit code 6). */
  skipped?: { reason: 'maintenance'; where: string; by?: string; since?: string; why?: string };
  series: Series[];
  results: SeriesResult[];
  /** Snapshots removed by the prune after the run (by series id). */
  pruned: Record<string, string[]>;
}

/** A published snapshot as listed on its target. */
export interface Snapshot {
  name: string;
  /** From the name (UTC). */
  time: string;
  files: number | null;
  bytes: number | null;
}

export interface SeriesListing {
  series: string;
  set: string;
  source: string;
  target: string;
  dir: string;
  snapshots: Snapshot[];
  /** The current lock holder, if a run holds the series now. */
  holder?: SeriesHolder;
  /** Present if the target could not be read. */
  error?: string;
  maxAgeMs: number;
}

export interface ListResult {
  series: SeriesListing[];
}

export interface StatusRow {
  series: string;
  target: string;
  newest?: string;
  ageMs?: number;
  maxAgeMs: number;
  state: 'fresh' | 'stale' | 'never' | 'unknown';
  error?: string;
}

export interface StatusResult {
  rows: StatusRow[];
  stale: string[];
}

export interface VerifyReport {
  series: string;
  target: string;
  snapshot?: string;
  ok: boolean;
  files: number;
  missing: string[];
  changed: string[];
  extra: string[];
  error?: string;
}

export interface VerifyResult {
  reports: VerifyReport[];
  ok: boolean;
}

export interface RestoreResult {
  series: string;
  from: string;
  snapshot: string;
  to: string;
  applied: boolean;
  /** rsync's itemized changes (`>f+++++++++ srv/data/a`). */
  changes: string[];
}

export interface PruneReport {
  series: string;
  target: string;
  keep: string[];
  remove: string[];
  /** Removed (not dry-run). */
  removed: string[];
  skipped?: string;
}

export interface PruneResult {
  dryRun: boolean;
  reports: PruneReport[];
}

export interface CronHostResult {
  host: string;
  state: 'installed' | 'unchanged' | 'removed' | 'absent' | 'shown' | 'failed';
  text?: string;
  message?: string;
}

export interface CronResult {
  action: 'install' | 'remove' | 'show';
  hosts: CronHostResult[];
}
