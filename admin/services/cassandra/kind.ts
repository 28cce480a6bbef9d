// cassandra: the daemon (start, stop with TERM then KILL, pid, the native port listening, as
// daemon/kind.ts does for every daemon) with the ring as its health gate: a node is running only
// when its daemon is up AND its own row in its `nodetool status` says UN. One probe, one SSH
// round trip (scripts.ts here), parsed by probes/cassandra-health.ts. Which row is its own:
// the `listen_address` option ({address}, the host's address, by default; "{vpn}" where the ring
// listens on the VPN). nodetool is the `nodetool` option (default `nodetool`), argv as written,
// `status` appended. In the lab both are stand-ins (admin/lab/standins/cassandra.ts, the CQL
// simulator, and nodetool.ts). A node is drained (`nodetool drain`: memtables flushed, clients
// and gossip stopped) before it stops; before an upgrade it is snapshotted first
// (`nodetool snapshot -t pre-upgrade-VERSION`). Both are skipped on a node that is not running.
import type { Inventory } from '../../inventory/types.js';
import { parseCassandraHealth } from '../../probes/cassandra-health.js';
import { commandOption, renderArgv, wantedVersion } from '../argv.js';
import { nodetoolIfUp, ringStatusCommand } from './scripts.js';
import { daemonKind, daemonOf, type DaemonKindConfig } from '../daemon/index.js';
import { serviceSpec } from '../units.js';
import type { ServiceKind, Step, Unit } from '../types.js';

const CONFIG: DaemonKindConfig = {
  kind: 'cassandra',
  portOption: 'native_port',
  gate: { passes: 3, intervalMs: 2000, timeoutMs: 180_000 },
};

/** The nodetool argv and the node's own address, placeholders filled in for `unit`. */
export function ringOf(inv: Inventory, unit: Unit): { nodetool: string[]; listenAddress: string } {
  const spec = serviceSpec(inv, CONFIG.kind);
  const version = wantedVersion(spec); // the file's: a probe does not know an upgrade's --version
  const listen =
    typeof spec.options.listen_address === 'string' ? spec.options.listen_address : '{address}';
  const [listenAddress, ...nodetool] = renderArgv(
    inv,
    spec,
    unit,
    [listen, ...(commandOption(spec, 'nodetool') ?? ['nodetool'])],
    version,
  );
  return { nodetool, listenAddress: listenAddress! };
}

const daemon = daemonKind(CONFIG);

export const cassandra: ServiceKind = {
  ...daemon,
  plan: (op, unit, inv, opts) => {
    const steps = daemon.plan(op, unit, inv, opts);
    if (op === 'start') {
      return steps;
    }
    const { nodetool } = ringOf(inv, unit);
    const before: Step[] = [];
    if (op === 'upgrade') {
      const name = `pre-upgrade-${opts.version ?? 'unknown'}`;
      before.push({
        name: `snapshot ${name}`,
        host: unit.host,
        command: nodetoolIfUp(600, nodetool, 'snapshot', '-t', name),
        timeoutMs: 605_000,
      });
    }
    before.push({
      name: 'nodetool drain',
      host: unit.host,
      command: nodetoolIfUp(600, nodetool, 'drain'),
      timeoutMs: 605_000,
    });
    return [...before, ...steps];
  },
  ringGate: true, // a restart or upgrade moves on only once the node sees the whole ring UN
  healthProbe: (unit, inv) => {
    const { nodetool, listenAddress } = ringOf(inv, unit);
    return {
      host: unit.host,
      command: ringStatusCommand(daemonOf(CONFIG, inv, unit, false), listenAddress, nodetool),
    };
  },
  parseHealth: (stdout) => parseCassandraHealth(stdout),
};
