// The maintenance switch: a flag file /srv/salvo/<deployment>/maintenance on the lock host (the
// first host of the services file, where the operator lock lives too), so every admin host's
// monitor sees the same switch. While it is on, the monitor scans and alerts but never heals.
import { hostname, userInfo } from 'node:os';
import type { Deployment } from '../deployment/deployment.js';
import { AdminError, ConnectError } from '../errors.js';
import { isUnreachable } from '../fleet/outcome.js';
import { maintenanceFile } from '../services/layout.js';
import { cmd } from '../transport/command.js';

export interface MaintenanceState {
  on: boolean;
  where: string; // host:path
  by?: string; // user@host
  since?: string;
  reason?: string;
}

export { maintenanceFile };

function lockHost(dep: Deployment): string {
  const host = dep.lockHosts[0];
  if (!host) {
    throw new AdminError('the services file has no hosts: no place for the maintenance switch');
  }
  return host;
}

const SET = 'mkdir -p "${2%/*}" && printf "%s\\n" "$1" >"$2.tmp" && mv -f "$2.tmp" "$2"';

async function run(dep: Deployment, command: ReturnType<typeof cmd>, signal?: AbortSignal) {
  const host = lockHost(dep);
  const [r] = await dep.quietExec([host], command, { timeoutMs: 15_000, signal });
  if (!r!.ok && isUnreachable(r!)) {
    throw new ConnectError(host, 'other', `maintenance switch on ${host}: ${r!.failure?.message}`);
  }
  return { host, r: r! };
}

export async function maintenanceStatus(
  dep: Deployment,
  signal?: AbortSignal,
): Promise<MaintenanceState> {
  const file = maintenanceFile(dep.name);
  const { host, r } = await run(
    dep,
    cmd('sh', '-c', 'cat "$1" 2>/dev/null || echo OFF', 'salvo', file),
    signal,
  );
  const where = `${host}:${file}`;
  const text = r.stdout.trim();
  if (!r.ok) {
    throw new AdminError(
      `maintenance switch on ${where}: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
    );
  }
  if (text === 'OFF') {
    return { on: false, where };
  }
  try {
    const j = JSON.parse(text) as { by?: string; since?: string; reason?: string };
    return { on: true, where, ...j };
  } catch {
    return { on: true, where };
  }
}

export async function setMaintenance(
  dep: Deployment,
  on: boolean,
  reason?: string,
  signal?: AbortSignal,
): Promise<MaintenanceState> {
  const file = maintenanceFile(dep.name);
  if (on) {
    const record = {
      by: `${userInfo().username}@${hostname()}`,
      since: new Date().toISOString(),
      ...(reason ? { reason } : {}),
    };
    const { r } = await run(
      dep,
      cmd('sh', '-c', SET, 'salvo', JSON.stringify(record), file),
      signal,
    );
    if (!r.ok) {
      throw new AdminError(
        `could not switch maintenance on: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
      );
    }
  } else {
    const { r } = await run(dep, cmd('rm', '-f', file), signal);
    if (!r.ok) {
      throw new AdminError(
        `could not switch maintenance off: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
      );
    }
  }
  return maintenanceStatus(dep, signal);
}
