// LAB ONLY. A `nodetool` stand-in for the lab's CQL simulator (../cql/): it asks the local node's
// management port (the simulator's JMX stand-in, --self:--jmx-port) and prints what real nodetool
// prints, in the layout of the version given (3.11 or 4.x: nodetool-format.ts), with real exit
// codes: status, info, describecluster, version, drain, snapshot [-t], clearsnapshot [-t],
// listsnapshots, compactionstats, repair [-pr] [-full] [keyspace], netstats, upgradesstables,
// decommission. With --data-dir, a snapshot is also files (nodetool-snapshots.ts), in Cassandra's
// layout: each table's live SSTable `DATA/<ks>/<table>-<id>/nb-<gen>-big-Data.db` (its rows; a new
// generation when they changed), hard-linked into `…/snapshots/<tag>/` with manifest.json and
// schema.cql, as a real snapshot is; clearsnapshot removes those directories. Lab only:
// `salvo-fault JSON` (inject a fault), `salvo-repair JSON` (repair time / fail / hang),
// `salvo-clear`, `salvo-drop`, `salvo-compactions N` (the pending compactions compactionstats
// reports).
// usage: node nodetool.js --self ADDR [--jmx-port P] [--cassandra-version V] [--data-dir DIR]
//        [--ring …] [--port …] COMMAND [ARGS…]
import { randomUUID } from 'node:crypto';
import { call, type RingRow } from '../cql/index.js';
import {
  compactionStats,
  describeCluster,
  formatInfo,
  formatStatus,
  repairLines,
  type StatusNode,
  stamp,
  stringifySize,
} from './nodetool-format.js';
import { clearSnapshot, listSnapshots, snapshot } from './nodetool-snapshots.js';

interface Args {
  flags: Map<string, string>;
  command?: string;
  rest: string[];
}

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

function usage(message: string): never {
  process.stdout.write(`nodetool: ${message}\nSee 'nodetool help' or 'nodetool help <command>'.\n`);
  process.exit(1);
}

function failure(message: string): never {
  process.stderr.write(
    `error: ${message}\n-- StackTrace --\njava.lang.RuntimeException: ${message}\n`,
  );
  process.exit(2);
}

const { flags, command, rest } = parseArgs(process.argv.slice(2));
const self = flags.get('self') ?? '127.0.0.1';
const jmxPort = Number(flags.get('jmx-port') ?? '7199');
const version = flags.get('cassandra-version') ?? '4.1.5';
const layout = Number.parseInt(version, 10) < 4 ? '3.11' : '4.0';
const dataDir = flags.get('data-dir');

async function jmx<T>(req: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
  try {
    return await call<T>(self, jmxPort, req, timeoutMs);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || /timeout/.test(err.message)) {
      process.stderr.write(
        `nodetool: Failed to connect to '127.0.0.1:${jmxPort}' - ConnectException: 'Connection refused (Connection refused)'.\n`,
      );
      process.exit(1);
    }
    throw err;
  }
}

interface Ring {
  rows: RingRow[];
  self: string;
  clusterName: string;
  keyspaces: { name: string; replication: Record<string, string>; rf: number }[];
}

const STATE_LETTER: Record<string, 'J' | 'L'> = { joining: 'J', leaving: 'L' };

/** The one replication factor all user keyspaces share, if they do (effective ownership). */
function sameRf(rfs: Set<number>): number | undefined {
  return rfs.size === 1 ? [...rfs][0] : undefined;
}

async function status(): Promise<void> {
  const ring = await jmx<Ring>({ op: 'ring' });
  const ks = rest[0];
  if (ks !== undefined && !ring.keyspaces.some((k) => k.name === ks)) {
    process.stdout.write(`\nError: The keyspace ${ks}, does not exist\n`);
    process.exit(1);
  }
  const user = ring.keyspaces.filter((k) => !k.name.startsWith('system'));
  const rfs = new Set(user.map((k) => k.rf));
  const rf = ks ? ring.keyspaces.find((k) => k.name === ks)!.rf : sameRf(rfs);
  const n = ring.rows.length;
  const nodes: StatusNode[] = ring.rows.map((r) => ({
    dc: r.dc,
    rack: r.rack,
    address: r.address,
    status: r.up ? 'U' : 'D',
    state: STATE_LETTER[r.state] ?? 'N',
    load: r.load ? stringifySize(r.load) : '?',
    tokens: layout === '3.11' ? 256 : 16,
    owns: rf === undefined ? '?' : `${((100 * Math.min(rf, n)) / n).toFixed(1)}%`,
    hostId: r.hostId,
  }));
  nodes.sort((a, b) => (a.hostId < b.hostId ? -1 : 1));
  process.stdout.write(
    formatStatus(nodes, { layout, effective: rf !== undefined, tokenPerNode: false }),
  );
}

async function run(): Promise<void> {
  switch (command) {
    case undefined:
      return usage('no command given');
    case 'status':
      return status();
    case 'version':
      await jmx({ op: 'info' });
      process.stdout.write(`ReleaseVersion: ${version}\n`);
      return;
    case 'info': {
      const info = await jmx<{
        hostId: string;
        up: boolean;
        load: number;
        generation: number;
        uptime: number;
        dc: string;
        rack: string;
      }>({ op: 'info' });
      process.stdout.write(formatInfo({ ...info, load: stringifySize(info.load) }, layout));
      return;
    }
    case 'describecluster': {
      const ring = await jmx<Ring>({ op: 'ring' });
      process.stdout.write(describeCluster(ring, layout, version));
      return;
    }
    case 'drain':
      await jmx({ op: 'drain' }, 30_000);
      return;
    case 'netstats': {
      const info = await jmx<{ state: string; streaming?: Streaming }>({ op: 'info' });
      const mode =
        {
          joining: 'JOINING',
          normal: 'NORMAL',
          leaving: 'LEAVING',
          drained: 'DRAINED',
          decommissioned: 'DECOMMISSIONED',
        }[info.state] ?? 'NORMAL';
      process.stdout.write(
        `Mode: ${mode}\n${info.streaming ? streams(info.streaming) : 'Not sending any streams.\n'}Read Repair Statistics:\nAttempted: 0\nMismatch (Blocking): 0\nMismatch (Background): 0\nPool Name                    Active   Pending      Completed   Dropped\nLarge messages                  n/a         0              0         0\nSmall messages                  n/a         0              0         0\nGossip messages                 n/a         0              0         0\n`,
      );
      return;
    }
    case 'snapshot':
      return snapshot(jmx, rest, dataDir, failure);
    case 'clearsnapshot':
      return clearSnapshot(jmx, rest, dataDir);
    case 'compactionstats': {
      const { pending } = await jmx<{ pending: number }>({ op: 'compactions' });
      process.stdout.write(compactionStats(pending, ['system.local'], randomUUID()));
      return;
    }
    case 'salvo-compactions':
      await jmx({ op: 'compactions', pending: Number(rest[0] ?? '0') });
      return;
    case 'listsnapshots':
      return listSnapshots(jmx);
    case 'repair':
      return repair();
    case 'upgradesstables':
      await jmx({ op: 'info' });
      return;
    case 'decommission':
      try {
        await jmx(
          { op: 'decommission', force: rest.includes('--force') || rest.includes('-f') },
          3600_000,
        );
      } catch (e) {
        failure((e as Error).message);
      }
      return;
    case 'salvo-fault':
      await jmx({ op: 'fault', fault: JSON.parse(rest[0] ?? '{}') });
      return;
    case 'salvo-repair':
      await jmx({ op: 'repair-config', config: JSON.parse(rest[0] ?? '{}') });
      return;
    case 'salvo-clear':
      await jmx({ op: 'clear-faults' });
      return;
    case 'salvo-drop':
      await jmx({ op: 'drop' });
      return;
    default:
      return usage(`Found unexpected parameters: [${command}]`);
  }
}

interface Streaming {
  direction: 'receiving' | 'sending';
  peers: string[];
  files: number;
  bytes: number;
  done: number;
}

/** The stream sessions of a joining (Bootstrap) or leaving (Unbootstrap) node, as netstats prints them. */
function streams(s: Streaming): string {
  const per = Math.max(1, Math.round(s.files / Math.max(1, s.peers.length)));
  const bytes = Math.round(s.bytes / Math.max(1, s.peers.length));
  const doneFiles = Math.floor(per * s.done);
  const doneBytes = Math.floor(bytes * s.done);
  const verb = s.direction === 'receiving' ? ['Receiving', 'received'] : ['Sending', 'sent'];
  const body = s.peers
    .map(
      (p) =>
        `    /${p}\n        ${verb[0]} ${per} files, ${bytes} bytes total. Already ${verb[1]} ${doneFiles} files, ${doneBytes} bytes total\n`,
    )
    .join('');
  return `${s.direction === 'receiving' ? 'Bootstrap' : 'Unbootstrap'} ${randomUUID()}\n${body}`;
}

async function repair(): Promise<void> {
  const pr = rest.includes('-pr') || rest.includes('--partitioner-range');
  const full = rest.includes('-full') || rest.includes('--full');
  const named = rest.filter((x) => !x.startsWith('-'));
  const ring = await jmx<Ring>({ op: 'ring' });
  for (const ks of named) {
    if (!ring.keyspaces.some((k) => k.name === ks)) {
      usage(`Keyspace [${ks}] does not exist.`);
    }
  }
  const targets = named.length
    ? named.slice(0, 1)
    : ring.keyspaces
        .filter((k) => k.name !== 'system_distributed' && k.name !== 'system_schema')
        .map((k) => k.name);
  let cmd = 0;
  for (const ks of targets) {
    cmd++;
    const rf = ring.keyspaces.find((k) => k.name === ks)!.rf;
    if (rf < 2) {
      process.stdout.write(
        `${stamp()} Replication factor is 1. No repair is needed for keyspace '${ks}'\n`,
      );
      continue;
    }
    const id = randomUUID();
    const started = Date.now();
    process.stdout.write(
      repairLines.start(cmd, id, ks, {
        pr,
        incremental: !full,
        layout,
        ranges: layout === '3.11' ? 256 : 16,
      }),
    );
    try {
      await jmx({ op: 'repair', keyspace: ks }, 24 * 3600_000);
    } catch (e) {
      const msg = (e as Error).message;
      process.stdout.write(
        `${stamp()} Repair command #${cmd} failed with error ${msg}\n${stamp()} Repair command #${cmd} finished with error\n`,
      );
      failure(
        layout === '3.11'
          ? `Repair job has failed with the error message: ${stamp()} Repair command #${cmd} failed with error ${msg}`
          : `Repair job has failed with the error message: ${msg}. Check the logs on the repair participants for further details`,
      );
    }
    process.stdout.write(repairLines.done(cmd, id, Date.now() - started));
  }
}

await run();
