// tinc hook: tincd of the deployment's net on every mesh member (the hosts with a `vpn`
// address), found by its default pid file /run/tinc.NETNAME.pid. Keys, config, start and the
// ping matrix come with the tinc issue (admin/tinc/).
import type { Inventory } from '../inventory/types.js';
import { parsePs } from '../probes/ps.js';
import { firstLine, parseSections } from '../probes/sections.js';
import { notYet } from './hooks.js';
import { script } from './daemon.js';
import type { Health, ServiceKind, Unit } from './types.js';

const STATUS = `pidf=$1
pid=$(awk '{ print $1; exit }' "$pidf" 2>/dev/null)
echo "--- pid"; echo "$pid"
echo "--- comm"; [ -n "$pid" ] && cat "/proc/$pid/comm" 2>/dev/null
echo "--- ps"; [ -n "$pid" ] && ps -o pid=,etimes=,args= -p "$pid"
echo "--- version"; tincd --version 2>/dev/null | head -n 1
exit 0`;

export const tincPidFile = (netname: string): string => `/run/tinc.${netname}.pid`;

export function parseTincStatus(stdout: string): Health {
  const s = parseSections(stdout);
  const pid = firstLine(s, 'pid');
  const ps = parsePs((s.get('ps')?.lines ?? []).join('\n'))[0];
  const version = /tinc version (\S+)/.exec(firstLine(s, 'version'))?.[1];
  if (!pid) return { state: 'stopped', detail: 'no pid file' };
  if (firstLine(s, 'comm') !== 'tincd' || !ps) return { state: 'stopped', detail: `pid ${pid} is not tincd (stale pid file)` };
  return { state: 'running', pid: ps.pid, uptimeSec: ps.elapsedSec, ...(version ? { version } : {}) };
}

function units(inv: Inventory, hosts?: string[]): Unit[] {
  const members = inv.tinc?.hosts ?? [];
  return members.filter((h) => !hosts || hosts.includes(h)).map((host) => ({ service: 'tinc', host, instance: 0, placement: {} }));
}

export const tinc: ServiceKind = {
  kind: 'tinc',
  gate: { passes: 1, intervalMs: 1000, timeoutMs: 30_000 },
  units,
  plan: (op, unit) => notYet('tinc', op, unit, 'the tinc issue (admin/tinc/)'),
  healthProbe: (unit, inv) => ({ host: unit.host, command: script(STATUS, tincPidFile(inv.tinc?.netname ?? inv.deployment)) }),
  parseHealth: (stdout) => parseTincStatus(stdout),
};
