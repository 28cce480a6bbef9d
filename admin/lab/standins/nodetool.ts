// LAB ONLY. A `nodetool` stand-in for the lab's Cassandra stand-ins (cassandra.ts), so the product's
// `nodetool status` = UN health gate runs unchanged against it. `status` prints the real format
// of the version given (3.11 printf or 4.x TableBuilder: nodetool-format.ts) for the ring named by
// --ring: a node is U when its native port accepts a TCP connection, else D; the local node is J
// while its stand-in's state file says `joining`, else N. When the local node does not answer,
// it fails as real nodetool does when JMX is down. Loads and host IDs are derived from the
// address, so the output is stable; rows come in host-ID order (real nodetool's hash order is
// not sorted either). Other subcommands are not supported yet (the Cassandra issue adds them).
// usage: node nodetool.js --ring ADDR[=DC:RACK],… --self ADDR --port NATIVE [--state-file PATH]
//        [--cassandra-version V] status
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { formatStatus, type StatusNode } from './nodetool-format.js';
import { readRingState } from './ring-state.js';

interface Args {
  flags: Map<string, string>;
  command?: string;
  rest: string[];
}

/** `--name value` pairs up to the first bare word, which is the subcommand. */
function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i]!.startsWith('--')) {
      return { flags, command: argv[i], rest: argv.slice(i + 1) };
    }
    flags.set(argv[i]!.slice(2), argv[++i] ?? '');
  }
  return { flags, rest: [] };
}

/** Bad usage: real nodetool prints two lines on stdout and exits 1. */
function usage(message: string): never {
  process.stdout.write(`nodetool: ${message}\nSee 'nodetool help' or 'nodetool help <command>'.\n`);
  process.exit(1);
}

function reachable(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** `100 KiB`-ish loads and UUID-shaped host IDs, the same for an address every time. */
function derived(address: string): { load: string; hostId: string } {
  const h = createHash('sha256').update(address).digest();
  const kib = 80 + (h.readUInt16BE(0) % 20000) / 100;
  const hex = h.subarray(0, 16).toString('hex');
  const hostId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { load: `${Number(kib.toFixed(2))} KiB`, hostId }; // DecimalFormat("#.##"): no trailing zeros
}

function ringMembers(text: string, self: string): { address: string; dc: string; rack: string }[] {
  const entries = text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const [address, where] = e.split('=');
      const [dc, rack] = (where ?? '').split(':');
      return { address: address!, dc: dc || 'datacenter1', rack: rack || 'rack1' };
    });
  return entries.some((e) => e.address === self)
    ? entries
    : [...entries, { address: self, dc: 'datacenter1', rack: 'rack1' }];
}

async function status(flags: Map<string, string>): Promise<void> {
  const self = flags.get('self') ?? '127.0.0.1';
  const port = Number(flags.get('port') ?? '9042');
  if (!(await reachable(self, port))) {
    process.stderr.write(
      "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'.\n",
    );
    process.exit(1);
  }
  const version = flags.get('cassandra-version') ?? '4.1.5';
  const layout = Number.parseInt(version, 10) < 4 ? '3.11' : '4.0';
  const stateFile = flags.get('state-file');
  const joining = stateFile !== undefined && readRingState(stateFile)?.state === 'joining';
  const nodes: StatusNode[] = await Promise.all(
    ringMembers(flags.get('ring') ?? '', self).map(async (n) => ({
      ...n,
      ...derived(n.address),
      status:
        n.address === self || (await reachable(n.address, port)) ? ('U' as const) : ('D' as const),
      state: n.address === self && joining ? ('J' as const) : ('N' as const),
      tokens: layout === '3.11' ? 256 : 16, // num_tokens defaults of 3.11 and 4.0
      owns: '?', // no keyspace given: ownership is not effective (the Note line says so)
    })),
  );
  nodes.sort((a, b) => (a.hostId < b.hostId ? -1 : 1));
  process.stdout.write(formatStatus(nodes, { layout, effective: false, tokenPerNode: false }));
}

const { flags, command, rest } = parseArgs(process.argv.slice(2));
if (command === undefined) {
  usage('no command given (the lab stand-in knows `status`)');
}
if (command !== 'status') {
  process.stdout.write(`nodetool: ${command} not supported by the lab stand-in\n`);
  process.exit(1);
}
if (rest.length > 0) {
  usage(`status ${rest.join(' ')}: a keyspace argument is not supported by the lab stand-in`);
}
await status(flags);
