// `nodetool status` output (Cassandra 3.11 printf layout, 4.0/4.1 TableBuilder layout): one row
// per node, in every datacenter. Fields are read as whitespace-separated words in the order the
// DC's header row names the columns, not at fixed offsets: 3.11's Load column overflows its 9
// characters (`103.67 KiB`) and pushes the rest of the row right, and 4.x pads every column to
// the widest cell of the whole output. Rows come in hash order (not sorted); callers look rows
// up by address.

export type NodeStatus = 'U' | 'D' | '?';
export type NodeState = 'N' | 'J' | 'L' | 'M';

export interface NodetoolRow {
  dc: string;
  status: NodeStatus; // U up, D down, ? unknown
  state: NodeState; // N normal, J joining, L leaving, M moving
  address: string; // as printed: `10.0.0.1`, or `10.0.0.1:7000` with 4.x `-pp`
  load: string; // `103.67 KiB`, or `?` when unknown
  tokens: number; // the `Tokens` count; 1 when the output has a single `Token` column
  token?: string; // the node's token, when the output has a single `Token` column
  owns: string; // `33.3%`, or `?` when ownership is not effective
  hostId: string;
  rack: string;
}

export type NodetoolStatus = { ok: true; rows: NodetoolRow[] } | { ok: false; error: string };

const ROW = /^([UD?])([NJLM])\s+\S/;
const HEADER = /^--\s+Address\b/;
const LOAD_UNIT = /^(bytes|[KMGTPE]i?B)$/;
const OWNS = /^(\?|[\d.,]+%)$/;

/** The column names of a header row (cells are separated by two spaces or more). */
function headerColumns(line: string): string[] {
  return line.trim().split(/\s{2,}/);
}

/** One row's fields by the header's columns; a message when the row does not fit them. */
function parseRow(line: string, dc: string, columns: string[]): NodetoolRow | string {
  const words = line.trim().split(/\s+/);
  const m = ROW.exec(line)!;
  const row: NodetoolRow = {
    dc,
    status: m[1] as NodeStatus,
    state: m[2] as NodeState,
    address: '',
    load: '',
    tokens: 1,
    owns: '',
    hostId: '',
    rack: '',
  };
  let i = 1; // words[0] is the status and state letters (`--` column)
  const take = (): string | undefined => words[i++];
  for (const column of columns.slice(1)) {
    const word = take();
    if (word === undefined) {
      return `row ${JSON.stringify(line.trim())} has no ${column} column`;
    }
    if (column === 'Address') {
      row.address = word;
    } else if (column === 'Load') {
      row.load = word !== '?' && LOAD_UNIT.test(words[i] ?? '') ? `${word} ${take()}` : word;
    } else if (column === 'Tokens') {
      if (!/^\d+$/.test(word)) {
        return `row ${JSON.stringify(line.trim())}: Tokens ${JSON.stringify(word)} is not a count`;
      }
      row.tokens = Number(word);
    } else if (column === 'Token') {
      row.token = word;
    } else if (column.startsWith('Owns')) {
      if (!OWNS.test(word)) {
        return `row ${JSON.stringify(line.trim())}: Owns ${JSON.stringify(word)} is not a percentage or ?`;
      }
      row.owns = word;
    } else if (column === 'Host ID') {
      row.hostId = word;
    } else if (column === 'Rack') {
      row.rack = [word, ...words.slice(i)].join(' '); // the last column
    }
  }
  return row;
}

/** Every node row of the output, or why the text is not `nodetool status` output. */
export function parseNodetoolStatus(text: string): NodetoolStatus {
  const rows: NodetoolRow[] = [];
  let dc: string | undefined;
  let columns: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trimEnd();
    const dcLine = /^Datacenter: (.*)$/.exec(line);
    if (dcLine) {
      dc = dcLine[1]!.trim();
      columns = undefined;
      continue;
    }
    if (HEADER.test(line)) {
      columns = headerColumns(line);
      continue;
    }
    if (!ROW.test(line)) {
      continue; // ==== underline, legend, blank lines, the Note, JVM warnings
    }
    if (dc === undefined || columns === undefined) {
      return {
        ok: false,
        error: `node row before a Datacenter and header line: ${JSON.stringify(line)}`,
      };
    }
    const row = parseRow(line, dc, columns);
    if (typeof row === 'string') {
      return { ok: false, error: row };
    }
    rows.push(row);
  }
  if (dc === undefined) {
    return { ok: false, error: 'no "Datacenter:" line: not nodetool status output' };
  }
  return { ok: true, rows };
}

/** The address without the port 4.x `-pp` adds (`10.0.0.1:7000`, `[::1]:7000`). */
export function addressOnly(address: string): string {
  const v6 = /^\[(.+)\]:\d+$/.exec(address);
  if (v6) {
    return v6[1]!;
  }
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(address);
  return v4 ? v4[1]! : address;
}
