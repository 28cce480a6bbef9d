// nginx: the static-file server, a real nginx (Debian 12's package, 1.22). Its config is rendered
// from the services file (config.ts here), checked with `nginx -t` before it replaces the live
// one, and run with `daemon on`: the master writes its own pid file and counts as started only
// once it holds the port. restart and upgrade render the config and HUP the master (new workers,
// the old ones finish their requests: nothing dropped, same pid), or start it when it is not
// running; stop is QUIT (graceful), then KILL of its process group after stop_timeout, always
// through the pid file. Health: pid + port + GET /alive; the version is what `nginx -v` said at
// start. Behind haproxy (`backends: [hub, nginx]`, routed on /static/) it is drained before a
// stop and set ready after a start; a reload needs no drain.
import type { Inventory } from '../../inventory/types.js';
import { parseUnitStatus } from '../../probes/unit-status.js';
import { commandOption, numberOption } from '../argv.js';
import {
  DEFAULT_START_TIMEOUT_SEC,
  DEFAULT_STOP_TIMEOUT_SEC,
  script,
  secs,
  statusCommand,
  waitHealthyStep,
  type Daemon,
} from '../daemon/index.js';
import { drainSteps, readySteps } from '../fronting.js';
import { nginxConfigFrom, renderNginxConfig, type NginxConfig } from './config.js';
import { NGINX_STOP, NGINX_UP, NGINX_WRITE_CONFIG } from './scripts.js';
import { nginxPaths } from '../layout.js';
import { serviceSpec, unitsOf } from '../units.js';
import type { Operation, OperationOptions, ServiceKind, Step, Unit } from '../types.js';

interface Nginx {
  daemon: Daemon;
  binary: string[];
  config: NginxConfig;
}

function nginxOf(inv: Inventory, unit: Unit): Nginx {
  const spec = serviceSpec(inv, 'nginx');
  const config = nginxConfigFrom(inv, unit);
  const daemon: Daemon = {
    unit,
    deployment: inv.deployment,
    argv: [],
    port: config.port,
    healthPath: '/alive',
    startTimeoutSec: numberOption(spec, 'start_timeout', DEFAULT_START_TIMEOUT_SEC),
    stopTimeoutSec: numberOption(spec, 'stop_timeout', DEFAULT_STOP_TIMEOUT_SEC),
    stopSignal: 'TERM', // not used: NGINX_STOP sends QUIT, nginx's graceful stop
  };
  return { daemon, binary: commandOption(spec) ?? ['nginx'], config };
}

/** The argv the master runs with (and names itself after): the unit's log gets nginx's early errors. */
function nginxArgv(inv: Inventory, n: Nginx): string[] {
  return [
    ...n.binary,
    '-e',
    n.config.errorLog,
    '-c',
    nginxPaths(inv.deployment, n.daemon.unit).config,
  ];
}

function writeConfigStep(inv: Inventory, n: Nginx): Step {
  const { config } = nginxPaths(inv.deployment, n.daemon.unit);
  return {
    name: 'render nginx.conf and check it',
    host: n.daemon.unit.host,
    command: script(
      NGINX_WRITE_CONFIG,
      config,
      renderNginxConfig(n.config),
      n.config.root || '/',
      n.config.errorLog,
      n.config.pidFile,
      ...n.binary,
    ),
    timeoutMs: 20_000,
  };
}

function upStep(inv: Inventory, n: Nginx, mode: 'start' | 'reload'): Step {
  const d = n.daemon;
  return {
    name: mode === 'reload' ? 'reload (HUP: new workers, the old ones finish)' : 'start',
    host: d.unit.host,
    command: script(
      NGINX_UP,
      n.config.pidFile,
      n.config.errorLog,
      secs(d.startTimeoutSec),
      n.config.port,
      mode,
      ...nginxArgv(inv, n),
    ),
    timeoutMs: d.startTimeoutSec * 1000 + 5000,
  };
}

function stopStep(n: Nginx): Step {
  const d = n.daemon;
  return {
    name: 'stop',
    host: d.unit.host,
    command: script(NGINX_STOP, n.config.pidFile, secs(d.stopTimeoutSec)),
    timeoutMs: d.stopTimeoutSec * 1000 + 10_000, // + the wait after KILL
  };
}

function plan(op: Operation, unit: Unit, inv: Inventory, opts: OperationOptions): Step[] {
  const n = nginxOf(inv, unit);
  const fronted = opts.drain !== false;
  if (op === 'stop') {
    return [...(fronted ? drainSteps(inv, unit) : []), stopStep(n)];
  }
  const healthy = waitHealthyStep(n.daemon);
  return [
    writeConfigStep(inv, n),
    upStep(inv, n, op === 'start' ? 'start' : 'reload'),
    ...(healthy ? [healthy] : []),
    // A unit a stop drained comes back into haproxy only here (ready on a ready server is a no-op).
    ...(fronted ? readySteps(inv, unit) : []),
  ];
}

export const nginx: ServiceKind = {
  kind: 'nginx',
  gate: { passes: 2, intervalMs: 1000, timeoutMs: 30_000 },
  units: (inv, hosts) => unitsOf(inv, 'nginx', hosts),
  plan,
  healthProbe: (unit, inv) => ({
    host: unit.host,
    command: statusCommand(nginxOf(inv, unit).daemon),
  }),
  parseHealth: (stdout) => parseUnitStatus(stdout),
};
