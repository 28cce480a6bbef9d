// vm as a service kind: one unit per guest, its steps run on the guest's physical host through
// the qemu driver's script (admin/vm/script.ts); the gate is the guest answering SSH (its banner,
// read from the physical host; `salvo vm status` also logs in). Host keys are recorded before any rollout that boots guests
// (admin/deployment/subsystems/vm.ts, beforeRollout).
import { baseArgs, guestsOf, parseGateHealth, startArgs, vmCommand } from '../vm/index.js';
import { cmd } from '../transport/command.js';
import { unitsOf } from './units.js';
import { unitId, type Health, type ServiceKind, type Step } from './types.js';

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
  gate: { passes: 1, intervalMs: 1000, timeoutMs: 300_000 },
  // A guest's version is its base image: the file's `base`, and what its physical host recorded
  // at its last boot (the gate probe's Health.version, admin/vm/parse.ts).
  versions: {
    file: (unit, inv) => guestsOf(inv, [unit.host])[0]!.base,
    fromProbe: true,
    flag: '--image',
  },
  units: (inv, hosts) => unitsOf(inv, 'vm', hosts),
  plan: (op, unit, inv, opts) => {
    const [g] = guestsOf(inv, [unit.host]);
    // upgrade --version IMAGE (`salvo upgrade vm --image IMAGE`): boot that base image instead;
    // a restart boots again the image the guest runs (read from its physical host beforehand).
    const base =
      (op === 'upgrade' ? opts.version : undefined) ??
      (op === 'restart' ? opts.versions?.[unitId(unit)] : undefined) ??
      g!.base;
    const stop: Step = {
      name: 'stop',
      host: g!.physical,
      command: vmCommand('stop', { ...baseArgs(inv, g!), timeout: g!.stopTimeoutSec }),
      timeoutMs: (g!.stopTimeoutSec + 30) * 1000,
    };
    const start = (): Step => ({
      name: 'start',
      host: g!.physical,
      command: vmCommand('start', startArgs(inv, g!, base)),
      // libvirtd probes qemu's capabilities on its first domain: slow under TCG.
      timeoutMs: g!.driver === 'libvirt' ? 360_000 : 120_000,
    });
    if (op === 'start') {
      return [start()];
    }
    if (op === 'stop') {
      return [stop];
    }
    if (op === 'upgrade') {
      // The new image's files are on the physical host before its guest goes down.
      const args = startArgs(inv, g!, base);
      const check: Step = {
        name: `check image ${base}`,
        host: g!.physical,
        command: vmCommand('check', {
          ...baseArgs(inv, g!),
          base,
          disk: args.disk!,
          kernel: args.kernel!,
          initrd: args.initrd!,
        }),
        timeoutMs: 30_000,
      };
      return [check, stop, start()];
    }
    return [stop, start()];
  },
  // Probed from the physical host: qemu alive, and the guest's SSH banner over the bridge. A
  // stopped guest is then "stopped", not "unreachable".
  healthProbe: (unit, inv) => {
    const [g] = guestsOf(inv, [unit.host]);
    return {
      host: g!.physical,
      command: vmCommand('status', { ...baseArgs(inv, g!), address: g!.address }),
    };
  },
  // The gate's probe waits on the physical host (up to GATE_WAIT_S) for the banner; once it reads
  // running, a login from the admin machine to the guest itself must succeed: the guest answers
  // SSH with the host key recorded in known_hosts before it booted (strict checking).
  gateProbe: (unit, inv) => {
    const [g] = guestsOf(inv, [unit.host]);
    return {
      host: g!.physical,
      command: vmCommand('status', {
        ...baseArgs(inv, g!),
        address: g!.address,
        wait: GATE_WAIT_S,
      }),
    };
  },
  confirmRunning: (unit) => ({ host: unit.host, command: cmd('true') }),
  parseHealth: parseGateHealth,
};

/** How long one gate probe waits on the physical host for the guest's banner. */
const GATE_WAIT_S = 8;
