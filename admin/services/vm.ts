// vm hook: a guest counts as running when it answers over SSH (its own uptime from /proc/uptime).
// start/stop/restart of guests (qemu, QMP, overlays) come with the VM issue (admin/vm/).
import { cmd } from '../transport/command.js';
import { notYet } from './hooks.js';
import { unitsOf } from './units.js';
import type { Health, ServiceKind } from './types.js';

/** `/proc/uptime`: "12345.67 54321.00" — seconds since boot, idle seconds. */
export function parseGuestUptime(stdout: string, exitCode: number | null): Health {
  const m = /^(\d+(?:\.\d+)?)\s/.exec(`${stdout.trim()} `);
  if (exitCode !== 0 || !m) {
    return { state: 'stopped', detail: 'the guest does not answer over SSH' };
  }
  return { state: 'running', uptimeSec: Math.floor(Number(m[1])) };
}

export const vm: ServiceKind = {
  kind: 'vm',
  gate: { passes: 1, intervalMs: 2000, timeoutMs: 300_000 },
  units: (inv, hosts) => unitsOf(inv, 'vm', hosts),
  plan: (op, unit) => notYet('vm', op, unit, 'the VM issue (admin/vm/)'),
  healthProbe: (unit) => ({ host: unit.host, command: cmd('cat', '/proc/uptime') }),
  parseHealth: parseGuestUptime,
};
