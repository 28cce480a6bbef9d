// Where a unit's files live on its host. One directory per deployment, so two deployments
// sharing a machine (storm and cloud on one admin box, two labs) never touch each other's pids.
import { unitStem } from '../probes/health.js';
import type { Unit } from './types.js';

/** Root of everything Salvo keeps on a host for services. */
const SERVICES_ROOT = '/srv/salvo';

export const deploymentDir = (deployment: string): string => `${SERVICES_ROOT}/${deployment}`;

/**
 * The maintenance switch (`salvo maintenance on`): this file on the lock host, the services file's
 * first host. The monitor reads it before each heal, scheduled backup runs before they start.
 */
export const maintenanceFile = (deployment: string): string =>
  `${deploymentDir(deployment)}/maintenance`;

export { parseStem, unitStem } from '../probes/health.js';

export interface UnitPaths {
  dir: string; // /srv/salvo/<deployment>
  pidFile: string; // …/pids/hub.1.pid; next to it hub.1.pid.cmdline and hub.1.pid.version
  logFile: string; // …/logs/hub.1.log
}

export function unitPaths(deployment: string, u: Pick<Unit, 'service' | 'instance'>): UnitPaths {
  const dir = deploymentDir(deployment);
  return {
    dir,
    pidFile: `${dir}/pids/${unitStem(u)}.pid`,
    logFile: `${dir}/logs/${unitStem(u)}.log`,
  };
}

/** haproxy's rendered config and its admin (runtime API) socket. */
export function haproxyPaths(deployment: string): { config: string; socket: string } {
  const dir = `${deploymentDir(deployment)}/haproxy`;
  return { config: `${dir}/haproxy.cfg`, socket: `${dir}/admin.sock` };
}

/**
 * nginx's files besides the unit's pid file and log (its error log): the rendered config, its
 * access log, the directory its temp dirs go in (not the build's /var/lib/nginx, which lab hosts
 * share), and the default static root.
 */
export function nginxPaths(
  deployment: string,
  u: Pick<Unit, 'service' | 'instance'>,
): { config: string; accessLog: string; tempDir: string; root: string } {
  const dir = deploymentDir(deployment);
  return {
    config: `${dir}/nginx/nginx.conf`,
    accessLog: `${dir}/logs/${unitStem(u)}.access.log`,
    tempDir: `${dir}/nginx`,
    root: `${dir}/static`,
  };
}
