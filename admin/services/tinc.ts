// tinc as a service kind: tincd of the deployment's net on every mesh member (the hosts with a
// `vpn` address), found by its pid file /run/tinc.NETNAME.pid. start/stop/restart run the same
// control script as `salvo tinc start|stop` (admin/tinc/remote/scripts.ts: through the pid file,
// "started" once tinc-up has put the VPN address on the interface; a restart also brings back
// every link the host had), so a rolling restart of
// tinc gets batches, gates, budget and journal like every other kind. Keys, host files and the
// ping matrix stay with `salvo tinc` (init, add, remove, verify).
import type { Inventory } from '../inventory/types.js';
import { parsePs } from '../probes/ps.js';
import { firstLine, parseSections } from '../probes/sections.js';
import { meshSpec, memberOf } from '../tinc/mesh.js';
import {
  controlCommand,
  healthCommand,
  tincPaths,
  type ControlAction,
} from '../tinc/remote/index.js';
import type { Health, Operation, ServiceKind, Step, Unit } from './types.js';

export function parseTincStatus(stdout: string): Health {
  const s = parseSections(stdout);
  const pid = firstLine(s, 'pid');
  const ps = parsePs((s.get('ps')?.lines ?? []).join('\n'))[0];
  const version = /tinc version (\S+)/.exec(firstLine(s, 'version'))?.[1];
  if (!pid) {
    return { state: 'stopped', detail: 'no pid file' };
  }
  if (firstLine(s, 'live') !== 'yes' || !ps) {
    return { state: 'stopped', detail: `pid ${pid} is not tincd (stale pid file)` };
  }
  return {
    state: 'running',
    pid: ps.pid,
    uptimeSec: ps.elapsedSec,
    ...(version ? { version } : {}),
  };
}

function units(inv: Inventory, hosts?: string[]): Unit[] {
  const members = inv.tinc?.hosts ?? [];
  return members
    .filter((h) => !hosts || hosts.includes(h))
    .map((host) => ({ service: 'tinc', host, instance: 0, placement: {} }));
}

/** upgrade = restart onto the tincd the OS package installed; the gate then checks its version. */
const ACTION: Record<Operation, ControlAction> = {
  start: 'start',
  stop: 'stop',
  restart: 'restart',
  upgrade: 'restart',
};

function plan(op: Operation, unit: Unit, inv: Inventory): Step[] {
  const spec = meshSpec(inv);
  const member = memberOf(spec, unit.host);
  if (!member) {
    throw new Error(`tinc: ${unit.host} is not a mesh member`); // units() only yields members
  }
  // A restart must not cost the mesh a link: the step waits until the peers this host reached
  // before answer again, restarting once or twice more if tinc 1.0's key race leaves one dark.
  const peers = spec.members.filter((m) => m.host !== unit.host).map((m) => m.vpn);
  const target = { netname: spec.netname, iface: spec.iface, vpn: member.vpn, peers };
  const action = ACTION[op];
  // stop waits up to 10 s for tincd to go (then KILL); start up to 5 s for the VPN address; a
  // restart's relinking up to three starts of about 3 s each.
  return [
    {
      name: action,
      host: unit.host,
      command: controlCommand(tincPaths(spec.netname), target, action),
      timeoutMs: action === 'restart' ? 60_000 : 30_000,
    },
  ];
}

export const tinc: ServiceKind = {
  kind: 'tinc',
  gate: { passes: 1, intervalMs: 1000, timeoutMs: 30_000 },
  units,
  plan: (op, unit, inv) => plan(op, unit, inv),
  healthProbe: (unit, inv) => ({
    host: unit.host,
    command: healthCommand(tincPaths(inv.tinc?.netname ?? inv.deployment)),
  }),
  parseHealth: (stdout) => parseTincStatus(stdout),
};
