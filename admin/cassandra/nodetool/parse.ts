// Parsers of nodetool output (3.11 and 4.x), pure: `info`, `describecluster`, `repair`,
// `netstats`. `status` is probes/nodetool-status.ts. Formats: research/cassandra.md §3.

/** `nodetool info`: `Label<pad>: value` lines, as a map (Token lines collected). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S.*?)\s*: (.*)$/.exec(line);
    if (m && m[1] !== undefined && m[2] !== undefined) {
      out[m[1]] = out[m[1]] === undefined ? m[2] : `${out[m[1]]}\n${m[2]}`;
    }
  }
  return out;
}

export interface ClusterDescription {
  name: string;
  partitioner: string;
  schemaVersions: { version: string; hosts: string[] }[];
  unreachable: string[];
  /** 4.x only: release → hosts (with :port). */
  databaseVersions: { version: string; hosts: string[] }[];
}

const list = (s: string): string[] =>
  s
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** `nodetool describecluster`: schema versions (agreement), unreachable nodes, versions. */
export function parseDescribeCluster(text: string): ClusterDescription {
  const d: ClusterDescription = {
    name: '',
    partitioner: '',
    schemaVersions: [],
    unreachable: [],
    databaseVersions: [],
  };
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) {
      section = line.trim();
      continue;
    }
    const t = line.trim();
    let m = /^Name: (.*)$/.exec(t);
    if (m && section === 'Cluster Information:') {
      d.name = m[1]!;
    }
    m = /^Partitioner: (.*)$/.exec(t);
    if (m) {
      d.partitioner = m[1]!;
    }
    m = /^([\w-]+): (\[.*\])$/.exec(t);
    if (m && section === 'Cluster Information:' && /^\t\t/.test(line)) {
      if (m[1] === 'UNREACHABLE') {
        d.unreachable.push(...list(m[2]!));
      } else {
        d.schemaVersions.push({ version: m[1]!, hosts: list(m[2]!) });
      }
    }
    m = /^([\d.]+\S*): (\[.*\])$/.exec(t);
    if (m && section === 'Database versions:') {
      d.databaseVersions.push({ version: m[1]!, hosts: list(m[2]!) });
    }
  }
  return d;
}

export interface RepairOutcome {
  ok: boolean;
  keyspaces: string[];
  skipped: string[]; // RF 1: "No repair is needed"
  error?: string;
}

/** `nodetool repair` output (stdout, and stderr when it failed). */
export function parseRepair(stdout: string, stderr = ''): RepairOutcome {
  const keyspaces: string[] = [];
  const skipped: string[] = [];
  let failed = false;
  let error: string | undefined;
  for (const line of stdout.split('\n')) {
    let m = /repairing keyspace (\S+) with repair options/.exec(line);
    if (m) {
      keyspaces.push(m[1]!);
    }
    m = /No repair is needed for keyspace '([^']+)'/.exec(line);
    if (m) {
      skipped.push(m[1]!);
    }
    m = /Repair command #\d+ failed with error (.*)$/.exec(line);
    if (m) {
      failed = true;
      error ??= m[1]!;
    }
    if (/Repair command #\d+ finished with error/.test(line)) {
      failed = true;
    }
  }
  const err = /^error: (.*)$/m.exec(stderr) ?? /^nodetool: (.*)$/m.exec(stdout);
  if (err) {
    failed = true;
    error ??= err[1]!;
  }
  return error === undefined
    ? { ok: !failed, keyspaces, skipped }
    : { ok: !failed, keyspaces, skipped, error };
}

/** `nodetool netstats`: the node's mode (NORMAL, JOINING, LEAVING, DRAINED …) and whether it streams. */
export function parseNetstats(text: string): { mode: string; streaming: boolean } {
  const mode = /^Mode: (\S+)/m.exec(text)?.[1] ?? 'UNKNOWN';
  return { mode, streaming: !/Not sending any streams\./.test(text) };
}

export interface CompactionStats {
  /** `pending tasks: N`: the compactions the node estimates it still has to run. */
  pending: number;
  /** `- ks.table: N` lines (3.2+): pending tasks per table. */
  byTable: Record<string, number>;
  /** Rows of the active compactions table. */
  active: number;
}

/**
 * `nodetool compactionstats`: `pending tasks: N`, then (3.2+) `- ks.table: N` per table, a blank
 * line, and a table of the active compactions (none: no table) ending `Active compaction
 * remaining time : …`. Undefined when there is no `pending tasks:` line (not this command's output).
 */
export function parseCompactionStats(text: string): CompactionStats | undefined {
  const m = /^pending tasks: (\d+)\s*$/m.exec(text);
  if (!m) {
    return undefined;
  }
  const byTable: Record<string, number> = {};
  for (const t of text.matchAll(/^- (\S+): (\d+)\s*$/gm)) {
    byTable[t[1]!] = Number(t[2]);
  }
  const lines = text.split('\n');
  const header = lines.findIndex((l) => /\bcompaction type\b/.test(l) && /\bprogress\s*$/.test(l));
  const active =
    header < 0
      ? 0
      : lines
          .slice(header + 1)
          .filter((l) => l.trim() && !/^Active compaction remaining time/.test(l)).length;
  return { pending: Number(m[1]), byTable, active };
}
