// A service kind made of detached daemons (hub, snap, cassandra daemon): the
// generic mechanics of daemon/daemon.ts, the `command` option, and haproxy draining when the kind is
// one of haproxy's backends.
import type { Inventory } from '../../inventory/types.js';
import { parseUnitStatus } from '../../probes/unit-status.js';
import {
  commandOption,
  configError,
  numberOption,
  portOf,
  renderArgv,
  wantedVersion,
} from '../argv.js';
import {
  DEFAULT_START_TIMEOUT_SEC,
  DEFAULT_STOP_TIMEOUT_SEC,
  daemonSteps,
  statusCommand,
  type Daemon,
} from './daemon.js';
import { drainSteps, readySteps } from '../fronting.js';
import { serviceSpec, unitsOf } from '../units.js';
import {
  unitId,
  type Operation,
  type OperationOptions,
  type ServiceKind,
  type Step,
  type Unit,
} from '../types.js';

export interface DaemonKindConfig {
  kind: string;
  portOption: string; // the port whose LISTEN proves the unit up: port, native_port
  healthPath?: string; // HTTP kinds: answers 2xx when healthy
  versionPath?: string; // HTTP kinds: reports the running version
  defaultCommand?: string[];
  stopSignal?: Daemon['stopSignal'];
  gate: ServiceKind['gate'];
}

/** The daemon behind a unit. `withArgv` false (stop, status): the command is not needed. */
export function daemonOf(
  cfg: DaemonKindConfig,
  inv: Inventory,
  unit: Unit,
  withArgv: boolean,
  versionOverride?: string,
): Daemon {
  const spec = serviceSpec(inv, cfg.kind);
  const version = wantedVersion(spec, versionOverride);
  const template = commandOption(spec) ?? cfg.defaultCommand;
  if (withArgv && !template) {
    throw configError(spec, 'needs `command:` (the program to run) to start it');
  }
  const port = portOf(spec, cfg.portOption, unit.instance);
  return {
    unit,
    deployment: inv.deployment,
    argv: withArgv && template ? renderArgv(inv, spec, unit, template, version) : [],
    ...(version !== undefined ? { version } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(cfg.healthPath !== undefined ? { healthPath: cfg.healthPath } : {}),
    ...(cfg.versionPath !== undefined ? { versionPath: cfg.versionPath } : {}),
    startTimeoutSec: numberOption(spec, 'start_timeout', DEFAULT_START_TIMEOUT_SEC),
    stopTimeoutSec: numberOption(spec, 'stop_timeout', DEFAULT_STOP_TIMEOUT_SEC),
    stopSignal: cfg.stopSignal ?? 'TERM',
  };
}

/** Daemon steps, wrapped in drain … ready when haproxy balances this kind. */
function planDaemon(
  cfg: DaemonKindConfig,
  op: Operation,
  unit: Unit,
  inv: Inventory,
  opts: OperationOptions,
): Step[] {
  const version = opts.version ?? (op === 'restart' ? opts.versions?.[unitId(unit)] : undefined);
  const steps = daemonSteps(op, daemonOf(cfg, inv, unit, op !== 'stop', version));
  if (opts.drain === false) {
    return steps;
  }
  const before = op === 'start' ? [] : drainSteps(inv, unit);
  const after = op === 'stop' ? [] : readySteps(inv, unit);
  return [...before, ...steps, ...after];
}

export function daemonKind(cfg: DaemonKindConfig): ServiceKind {
  return {
    kind: cfg.kind,
    gate: cfg.gate,
    units: (inv, hosts) => unitsOf(inv, cfg.kind, hosts),
    plan: (op, unit, inv, opts) => planDaemon(cfg, op, unit, inv, opts),
    healthProbe: (unit, inv) => ({
      host: unit.host,
      command: statusCommand(daemonOf(cfg, inv, unit, false)),
    }),
    parseHealth: (stdout) => parseUnitStatus(stdout),
  };
}
