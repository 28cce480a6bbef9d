// Generic daemon mechanics, shared by every kind that runs a long-lived process: pid file and
// log file per unit under /srv/salvo/<deployment>, idempotent start that detaches and proves the
// process runs and listens, stop by recorded pid with TERM → KILL escalation, status evidence.
import { cmd, type Command } from '../../transport/command.js';
import { START, STATUS, STOP, WAIT_HTTP } from './scripts.js';
import { unitPaths } from '../layout.js';
import type { Step, Unit } from '../types.js';

export interface Daemon {
  unit: Unit;
  deployment: string;
  argv: string[]; // the program and its arguments, placeholders filled in
  version?: string;
  port?: number; // listening on it is part of "started" and of health
  healthPath?: string; // HTTP path that answers 2xx when healthy (/alive)
  healthPort?: number; // where healthPath is served, when not on `port` (haproxy's stats page)
  versionPath?: string; // HTTP path that reports the running version (/version)
  startTimeoutSec: number;
  stopTimeoutSec: number;
  stopSignal: 'TERM' | 'INT' | 'USR1';
}

export const DEFAULT_START_TIMEOUT_SEC = 30;
export const DEFAULT_STOP_TIMEOUT_SEC = 10;

/** Whole seconds for a script's deadline (at least 1). */
export const secs = (seconds: number): number => Math.max(1, Math.ceil(seconds));

/** Each script runs under sh with its values as positional parameters ($0 = salvo). */
export const script = (text: string, ...args: (string | number)[]): Command =>
  cmd('sh', '-c', text, 'salvo', ...args);

function url(d: Daemon, path?: string): string {
  const port = d.healthPort ?? d.port;
  return path === undefined || port === undefined ? '-' : `http://127.0.0.1:${port}${path}`;
}

/** Margin over the script's own deadline, so the script reports before the transport kills it. */
const MARGIN_MS = 5000;

function startStep(d: Daemon): Step {
  const { pidFile, logFile } = unitPaths(d.deployment, d.unit);
  return {
    name: d.version ? `start (version ${d.version})` : 'start',
    host: d.unit.host,
    command: script(
      START,
      pidFile,
      logFile,
      d.port ?? '-',
      secs(d.startTimeoutSec),
      d.version ?? '-',
      ...d.argv,
    ),
    timeoutMs: d.startTimeoutSec * 1000 + MARGIN_MS,
  };
}

export function stopStep(d: Daemon): Step {
  const { pidFile } = unitPaths(d.deployment, d.unit);
  return {
    name: 'stop',
    host: d.unit.host,
    command: script(STOP, pidFile, secs(d.stopTimeoutSec), d.stopSignal),
    timeoutMs: d.stopTimeoutSec * 1000 + MARGIN_MS + 5000, // + the wait after KILL
  };
}

/** For HTTP daemons: answer the health URL 3 times in a row before the unit counts as up. */
export function waitHealthyStep(d: Daemon, timeoutSec = d.startTimeoutSec): Step | undefined {
  if (url(d, d.healthPath) === '-') {
    return undefined;
  }
  return {
    name: 'wait healthy',
    host: d.unit.host,
    command: script(WAIT_HTTP, url(d, d.healthPath), secs(timeoutSec), 3),
    timeoutMs: timeoutSec * 1000 + MARGIN_MS,
  };
}

/** The positional arguments of the STATUS script (and of scripts built on its evidence). */
export function statusArgs(d: Daemon): (string | number)[] {
  const { pidFile, logFile } = unitPaths(d.deployment, d.unit);
  return [pidFile, logFile, d.port ?? '-', url(d, d.healthPath), url(d, d.versionPath)];
}

/** The status probe: its output is read by probes/unit-status.ts. */
export function statusCommand(d: Daemon): Command {
  return script(STATUS, ...statusArgs(d));
}

/** start / stop / restart / upgrade of a bare daemon (no load balancer around it). */
export function daemonSteps(op: 'start' | 'stop' | 'restart' | 'upgrade', d: Daemon): Step[] {
  const up = [startStep(d), waitHealthyStep(d)].filter((s): s is Step => s !== undefined);
  if (op === 'start') {
    return up;
  }
  if (op === 'stop') {
    return [stopStep(d)];
  }
  return [stopStep(d), ...up]; // stop goes by the pid file, so it stops whatever version runs
}
