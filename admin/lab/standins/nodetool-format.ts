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
