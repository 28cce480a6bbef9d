// LAB ONLY. `nodetool status` text in Cassandra's two layouts, built by the algorithms themselves
// (research/cassandra.md §3.1), not from canned strings:
// - 3.11 (and older): one printf format for the whole output — the address column as wide as the
//   longest address, fixed widths for the rest (a Load wider than 9 pushes its row right), the
//   last column unpadded, no blank line between datacenters;
// - 4.0/4.1 (TableBuilder): every column as wide as its widest cell across ALL datacenters, every
//   cell padded (so the header often ends `Rack ` with trailing spaces), one blank line between
//   datacenters.
// Datacenters come sorted (a TreeMap in Status.java); rows keep the order given.

export interface StatusNode {
  dc: string;
  rack: string;
  address: string;
  status: 'U' | 'D' | '?';
  state: 'N' | 'J' | 'L' | 'M';
  load: string; // `103.67 KiB`, or `?`
  tokens: number;
  token?: string; // the single token, for the `Token` column
  owns: string; // `33.3%`, or `?` when ownership is not effective
  hostId: string;
}

export interface StatusOptions {
  layout: '3.11' | '4.0';
  effective: boolean; // `Owns (effective)`; else `Owns` and the Note line at the end
  tokenPerNode: boolean; // a single `Token` column after Host ID instead of the `Tokens` count
}

const OWNERSHIP_NOTE =
  "Note: Non-system keyspaces don't have the same replication settings, effective ownership information is meaningless";

function header(o: StatusOptions): string[] {
  const owns = o.effective ? 'Owns (effective)' : 'Owns';
  return o.tokenPerNode
    ? ['--', 'Address', 'Load', owns, 'Host ID', 'Token', 'Rack']
    : ['--', 'Address', 'Load', 'Tokens', owns, 'Host ID', 'Rack'];
}

function cells(n: StatusNode, o: StatusOptions): string[] {
  const st = `${n.status}${n.state}`;
  return o.tokenPerNode
    ? [st, n.address, n.load, n.owns, n.hostId, n.token ?? '', n.rack]
    : [st, n.address, n.load, String(n.tokens), n.owns, n.hostId, n.rack];
}

function banner(dc: string): string {
  const title = `Datacenter: ${dc}`;
  return `${title}\n${'='.repeat(title.length)}\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n`;
}

function byDc(nodes: StatusNode[]): [string, StatusNode[]][] {
  const dcs = new Map<string, StatusNode[]>();
  for (const n of nodes) {
    dcs.set(n.dc, [...(dcs.get(n.dc) ?? []), n]);
  }
  return [...dcs].sort(([a], [b]) => {
    if (a === b) {
      return 0;
    }
    return a < b ? -1 : 1;
  });
}

/** 3.11's `%-Ns  ` widths, in column order; 0 = not padded (the status letters, the last column). */
function printfWidths(nodes: StatusNode[], o: StatusOptions): number[] {
  const address = Math.max(...nodes.map((n) => n.address.length));
  return o.tokenPerNode
    ? [0, address, 9, o.effective ? 16 : 6, 36, 39, 0]
    : [0, address, 9, 11, o.effective ? 16 : 6, 36, 0];
}

function line(row: string[], widths: number[], padLast: boolean): string {
  return `${row.map((c, i) => (i < row.length - 1 || padLast ? c.padEnd(widths[i]!) : c)).join('  ')}\n`;
}

function printf311(dcs: [string, StatusNode[]][], o: StatusOptions): string {
  const widths = printfWidths(
    dcs.flatMap(([, n]) => n),
    o,
  );
  return dcs
    .map(
      ([dc, nodes]) =>
        banner(dc) +
        [header(o), ...nodes.map((n) => cells(n, o))].map((r) => line(r, widths, false)).join(''),
    )
    .join('');
}

function table40(dcs: [string, StatusNode[]][], o: StatusOptions): string {
  const rows = [header(o), ...dcs.flatMap(([, nodes]) => nodes.map((n) => cells(n, o)))];
  const widths = header(o).map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return dcs
    .map(
      ([dc, nodes]) =>
        banner(dc) +
        [header(o), ...nodes.map((n) => cells(n, o))].map((r) => line(r, widths, true)).join(''),
    )
    .join('\n');
}

/** The whole `nodetool status` output, ending with the blank line (and the Note when not effective). */
export function formatStatus(nodes: StatusNode[], o: StatusOptions): string {
  const dcs = byDc(nodes);
  const body = o.layout === '3.11' ? printf311(dcs, o) : table40(dcs, o);
  return `${body}\n${o.effective ? '' : `${OWNERSHIP_NOTE}\n`}`;
}

/** A byte count as nodetool prints a load: `103.67 KiB`. */
export function stringifySize(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toFixed(2))} ${units[i]}`;
}

// ---- info, describecluster, repair (research/cassandra.md §3.2, §3.3, §3.7) ----

export interface InfoData {
  hostId: string;
  up: boolean;
  load: string;
  generation: number;
  uptime: number;
  dc: string;
  rack: string;
}

/** `nodetool info`: `%-23s: %s` lines; 3.11 has Thrift and no Network Cache. */
export function formatInfo(i: InfoData, layout: '3.11' | '4.0'): string {
  const lines: [string, string][] = [
    ['ID', i.hostId],
    ['Gossip active', String(i.up)],
    ...(layout === '3.11' ? [['Thrift active', 'false'] as [string, string]] : []),
    ['Native Transport active', String(i.up)],
    ['Load', i.load],
    ['Generation No', String(i.generation)],
    ['Uptime (seconds)', String(i.uptime)],
    ['Heap Memory (MB)', '573.30 / 3916.00'],
    ['Off Heap Memory (MB)', '0.00'],
    ['Data Center', i.dc],
    ['Rack', i.rack],
    ['Exceptions', '0'],
    [
      'Key Cache',
      'entries 2, size 168 bytes, capacity 100 MiB, 78 hits, 85 requests, 0.918 recent hit rate, 14400 save period in seconds',
    ],
    [
      'Row Cache',
      'entries 0, size 0 bytes, capacity 0 bytes, 0 hits, 0 requests, NaN recent hit rate, 0 save period in seconds',
    ],
    [
      'Counter Cache',
      'entries 0, size 0 bytes, capacity 50 MiB, 0 hits, 0 requests, NaN recent hit rate, 7200 save period in seconds',
    ],
    ...(layout === '3.11'
      ? []
      : [
          ['Network Cache', 'size 8 MiB, overflow size: 0 bytes, capacity 128 MiB'] as [
            string,
            string,
          ],
        ]),
    ['Percent Repaired', '100.0%'],
    ['Token', `(invoke with -T/--tokens to see all ${layout === '3.11' ? 256 : 16} tokens)`],
  ];
  return lines.map(([k, v]) => `${k.padEnd(23)}: ${v}\n`).join('');
}

export interface ClusterData {
  clusterName: string;
  rows: {
    address: string;
    dc: string;
    up: boolean;
    state: string;
    schemaVersion: string | undefined;
    release: string;
  }[];
  keyspaces: { name: string; replication: Record<string, string> }[];
}

/** `nodetool describecluster`: tab-indented; 4.x adds stats, DCs, versions, keyspaces. */
export function describeCluster(c: ClusterData, layout: '3.11' | '4.0', _version: string): string {
  const versions = new Map<string, string[]>();
  const unreachable: string[] = [];
  for (const r of c.rows) {
    if (!r.up || !r.schemaVersion) {
      unreachable.push(r.address);
    } else {
      versions.set(r.schemaVersion, [...(versions.get(r.schemaVersion) ?? []), r.address]);
    }
  }
  let out = `Cluster Information:\n\tName: ${c.clusterName}\n\tSnitch: org.apache.cassandra.locator.SimpleSnitch\n\tDynamicEndPointSnitch: enabled\n\tPartitioner: org.apache.cassandra.dht.Murmur3Partitioner\n\tSchema versions:\n`;
  for (const [v, hosts] of versions) {
    out += `\t\t${v}: [${hosts.join(', ')}]\n\n`;
  }
  if (unreachable.length) {
    out += `\t\tUNREACHABLE: [${unreachable.join(', ')}]\n\n`;
  }
  if (layout === '3.11') {
    return out;
  }
  const count = (s: string) => c.rows.filter((r) => r.up && r.state === s).length;
  out += `Stats for all nodes:\n\tLive: ${c.rows.length - unreachable.length}\n\tJoining: ${count('joining')}\n\tMoving: 0\n\tLeaving: ${count('leaving')}\n\tUnreachable: ${unreachable.length}\n\n`;
  const dcs = [...new Set(c.rows.map((r) => r.dc))].sort();
  out += `Data Centers: \n${dcs.map((dc) => `\t${dc} #Nodes: ${c.rows.filter((r) => r.dc === dc).length} #Down: ${c.rows.filter((r) => r.dc === dc && !r.up).length}\n`).join('')}\n`;
  const rel = new Map<string, string[]>();
  for (const r of c.rows) {
    rel.set(r.release, [...(rel.get(r.release) ?? []), `${r.address}:7000`]);
  }
  out += `Database versions:\n${[...rel].map(([v, h]) => `\t${v}: [${h.join(', ')}]\n`).join('')}\n`;
  out += `Keyspaces:\n${c.keyspaces
    .map((k) => {
      const { class: cls, ...opts } = k.replication;
      const short = (cls ?? '').replace(/^org\.apache\.cassandra\.locator\./, '');
      return `\t${k.name} -> Replication class: ${short} {${Object.entries(opts)
        .map(([a, b]) => `${a}=${b}`)
        .join(', ')}}\n`;
    })
    .join('')}`;
  return out;
}

/** `[yyyy-MM-dd HH:mm:ss,SSS]` in local time, as RepairRunner prints. */
export function stamp(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `[${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}]`;
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const m = Math.floor(s / 60);
  const sec = `${s % 60} second${s % 60 === 1 ? '' : 's'}`;
  return m ? `${m} minute${m === 1 ? '' : 's'} ${sec}` : sec;
}

export const repairLines = {
  start(
    cmd: number,
    id: string,
    ks: string,
    o: { pr: boolean; incremental: boolean; layout: '3.11' | '4.0'; ranges: number },
  ): string {
    const common = `parallelism: parallel, primary range: ${o.pr}, incremental: ${o.incremental}, job threads: 1, ColumnFamilies: [], dataCenters: [], hosts: [], `;
    const opts =
      o.layout === '3.11'
        ? `${common}# of ranges: ${o.ranges}, pull repair: false`
        : `${common}previewKind: NONE, # of ranges: ${o.ranges}, pull repair: false, force repair: false, optimise streams: false, ignore unreplicated keyspaces: false, repairPaxos: true, paxosOnly: false`;
    return `${stamp()} Starting repair command #${cmd} (${id}), repairing keyspace ${ks} with repair options (${opts})\n`;
  },
  done(cmd: number, id: string, ms: number): string {
    return `${stamp()} Repair session ${id} for range [(-9223372036854775808,-3074457345618258603]] finished (progress: 100%)\n${stamp()} Repair completed successfully\n${stamp()} Repair command #${cmd} finished in ${duration(ms)}\n`;
  },
};

/** `nodetool compactionstats`: pending tasks, per table, then the active ones (TableBuilder). */
export function compactionStats(
  pending: number,
  tables: string[],
  id = '8e8c5f90-b1a4-11ee-9c7e-6b2f1c0d4e21',
): string {
  const lines = [`pending tasks: ${pending}`];
  if (pending > 0) {
    lines.push(`- ${tables[0] ?? 'system.local'}: ${pending}`);
  }
  lines.push('');
  if (pending > 0) {
    const [ks, table] = (tables[0] ?? 'system.local').split('.');
    const rows = [
      ['id', 'compaction type', 'keyspace', 'table', 'completed', 'total', 'unit', 'progress'],
      [id, 'Compaction', ks!, table!, '1048576', '4194304', 'bytes', '25.00%'],
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) {
      lines.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' '));
    }
    lines.push('Active compaction remaining time :   0h00m03s');
  }
  return `${lines.join('\n')}\n`;
}
