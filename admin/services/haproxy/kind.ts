// haproxy: config rendered from the services file, checked by haproxy before it replaces the
// live one; started with -D and its own pid file; `restart` (and upgrade) is a seamless reload
// (-x admin socket, -sf old pid: no connection dropped); stop is a soft stop (USR1: finish the
// connections in flight), then KILL after stop_timeout.
import type { Inventory } from '../../inventory/types.js';
import { parseUnitStatus } from '../../probes/unit-status.js';
import { commandOption, numberOption, portOf } from '../argv.js';
import {
  DEFAULT_START_TIMEOUT_SEC,
  DEFAULT_STOP_TIMEOUT_SEC,
  script,
  statusCommand,
  stopStep,
  secs,
  type Daemon,
} from '../daemon/daemon.js';
import { haproxyConfigFrom, renderHaproxyConfig } from './config.js';
import { HAPROXY_UP, WRITE_CONFIG } from './scripts.js';
import { haproxyPaths, unitPaths } from '../layout.js';
import { serviceSpec, unitsOf } from '../units.js';
import type { Operation, ServiceKind, Step, Unit } from '../types.js';

function daemon(inv: Inventory, unit: Unit): Daemon & { binary: string[] } {
  const spec = serviceSpec(inv, 'haproxy');
  const stats = portOf(spec, 'stats_port', 0);
  const port = portOf(spec, 'port', 0);
  return {
    unit,
    deployment: inv.deployment,
    argv: [],
    binary: commandOption(spec) ?? ['haproxy'],
    ...(port !== undefined ? { port } : {}),
    ...(stats !== undefined ? { healthPort: stats, healthPath: '/stats' } : {}),
    startTimeoutSec: numberOption(spec, 'start_timeout', DEFAULT_START_TIMEOUT_SEC),
    stopTimeoutSec: numberOption(spec, 'stop_timeout', DEFAULT_STOP_TIMEOUT_SEC),
    stopSignal: 'USR1',
  };
}

function writeConfigStep(inv: Inventory, unit: Unit, binary: string[]): Step {
  const text = renderHaproxyConfig(haproxyConfigFrom(inv));
  return {
    name: 'render haproxy.cfg and check it',
    host: unit.host,
    command: script(WRITE_CONFIG, haproxyPaths(inv.deployment).config, text, ...binary),
    timeoutMs: 20_000,
  };
}

function upStep(inv: Inventory, d: Daemon & { binary: string[] }, mode: 'start' | 'reload'): Step {
  const { pidFile, logFile } = unitPaths(inv.deployment, d.unit);
  const { config, socket } = haproxyPaths(inv.deployment);
  const argv = [...d.binary, '-D', '-f', config, '-p', pidFile];
  return {
    name: mode === 'reload' ? 'reload (seamless: -x socket -sf old pid)' : 'start',
    host: d.unit.host,
    command: script(
      HAPROXY_UP,
      pidFile,
      logFile,
      secs(d.startTimeoutSec),
      d.port ?? '-',
      socket,
      mode,
      ...argv,
    ),
    timeoutMs: d.startTimeoutSec * 1000 + 5000,
  };
}

function plan(op: Operation, unit: Unit, inv: Inventory): Step[] {
  const d = daemon(inv, unit);
  if (op === 'stop') {
    return [stopStep(d)];
  }
  return [
    writeConfigStep(inv, unit, d.binary),
    upStep(inv, d, op === 'start' ? 'start' : 'reload'),
  ];
}

export const haproxy: ServiceKind = {
  kind: 'haproxy',
  gate: { passes: 2, intervalMs: 1000, timeoutMs: 30_000 },
  units: (inv, hosts) => unitsOf(inv, 'haproxy', hosts),
  plan: (op, unit, inv) => plan(op, unit, inv),
  healthProbe: (unit, inv) => ({ host: unit.host, command: statusCommand(daemon(inv, unit)) }),
  parseHealth: (stdout) => parseUnitStatus(stdout),
};
