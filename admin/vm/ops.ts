// The qemu driver's operations on a Deployment: identity before boot (host keys made on the
// physical host, recorded in known_hosts), status with crash detection, console, forced stop.
// Start/stop/restart go through the rollout engine (admin/services/vm.ts plans them with the
// same script); these are the parts around it.
import { readFile } from 'node:fs/promises';
import type { Deployment } from '../deployment/deployment.js';
import { UsageError } from '../errors.js';
import { editKnownHosts } from '../transport/hostkeys/known-hosts/edit.js';
import { cmd } from '../transport/command.js';
import { baseArgs, guestsOf, type GuestSpec } from './guest.js';
import {
  guestState,
  parseKeyValues,
  parseStatus,
  type GuestState,
  type QemuState,
} from './parse.js';
import { why } from './image/hosts.js';
import { vmCommand } from './script.js';

export interface VmStatus {
  name: string;
  physical: string;
  state: GuestState;
  pid?: number;
  uptimeSec?: number;
  accel?: string;
  vcpus: number;
  memoryMiB: number;
  base: string;
  /** The base image it last booted (an upgrade --image may differ from `base`). */
  image?: string;
  address: string;
  mac: string;
  /** Left behind by a guest that is not running (should never be true). */
  leftovers: string[];
  detail?: string;
}

export interface PrepareResult {
  name: string;
  physical: string;
  hostKey?: string;
  recorded: boolean; // a new or changed key was written to known_hosts
  error?: string;
}

async function onPhysical(
  dep: Deployment,
  g: GuestSpec,
  command: ReturnType<typeof vmCommand>,
  timeoutMs = 60_000,
) {
  const r = await dep.quietExec([g.physical], command, { timeoutMs });
  return r.of(g.physical);
}

async function adminPublicKey(dep: Deployment): Promise<string> {
  const identity = dep.inventory.ssh.identity;
  if (!identity) {
    throw new UsageError(
      'guests get the admin key from ssh.identity (its .pub file); the services file sets none',
    );
  }
  try {
    return (await readFile(`${identity}.pub`, 'utf8')).trim().split('\n')[0]!;
  } catch {
    throw new UsageError(`guests get the admin key from ${identity}.pub, which cannot be read`);
  }
}

/**
 * Before a guest boots: its host key exists on its physical host (made there once, kept), the
 * admin key is its authorized key, and known_hosts records the key under its name and address,
 * so strict host-key checking holds from its first connection.
 */
export async function prepareGuests(dep: Deployment, names?: string[]): Promise<PrepareResult[]> {
  const guests = guestsOf(dep.inventory, names);
  const authkey = await adminPublicKey(dep);
  const results = await Promise.all(
    guests.map(async (g): Promise<PrepareResult> => {
      const r = await onPhysical(
        dep,
        g,
        vmCommand('prepare', { ...baseArgs(dep.inventory, g), authkey }),
      );
      const key = r?.ok ? parseKeyValues(r.stdout).get('hostkey') : undefined;
      if (!key || !/^ssh-ed25519 [A-Za-z0-9+/=]+$/.test(key)) {
        return { name: g.name, physical: g.physical, recorded: false, error: why(r) };
      }
      return { name: g.name, physical: g.physical, hostKey: key, recorded: false };
    }),
  );
  const file = dep.inventory.ssh.knownHosts[0];
  const fresh = results.filter((r) => r.hostKey);
  if (file && fresh.length > 0) {
    const entries = fresh.map((r) => {
      const g = guests.find((x) => x.name === r.name)!;
      const port = dep.inventory.hosts.get(g.name)?.port ?? 22;
      return {
        names: [g.name, g.address],
        port,
        blob: Buffer.from(r.hostKey!.split(' ')[1]!, 'base64'),
      };
    });
    const known = dep.pool.hostKeyPolicy;
    // Replace whatever was recorded for these names: the physical host holds the truth.
    const stale = entries.filter((e) => known.check(e.names, e.port, e.blob).status !== 'ok');
    if (stale.length > 0) {
      await editKnownHosts(file, {
        remove: stale.map((e) => ({ names: e.names, port: e.port })),
        add: stale,
      });
      await known.reload?.();
      for (const r of fresh) {
        const g = guests.find((x) => x.name === r.name)!;
        r.recorded = stale.some((e) => e.names[0] === g.name);
      }
    }
  }
  return results;
}

/** Each guest's state: qemu on its physical host (alive? wanted?) and whether it answers SSH. */
export async function guestStatus(
  dep: Deployment,
  names?: string[],
  options: { probeTimeoutMs?: number } = {},
): Promise<VmStatus[]> {
  const guests = guestsOf(dep.inventory, names);
  const states = await Promise.all(
    guests.map(async (g) => {
      const r = await onPhysical(dep, g, vmCommand('status', baseArgs(dep.inventory, g)), 30_000);
      return r?.ok ? parseStatus(r.stdout) : { error: why(r) };
    }),
  );
  const alive = guests.filter((_, i) => (states[i] as QemuState).alive === true).map((g) => g.name);
  const probe =
    alive.length > 0
      ? await dep.quietExec(alive, cmd('cat', '/proc/uptime'), {
          timeoutMs: options.probeTimeoutMs ?? 10_000,
        })
      : undefined;
  return guests.map((g, i) => {
    const s = states[i]!;
    const q = 'error' in s ? undefined : s;
    const answers = probe?.of(g.name)?.ok === true;
    const st: VmStatus = {
      name: g.name,
      physical: g.physical,
      state: guestState(q, answers),
      vcpus: g.vcpus,
      memoryMiB: g.memoryMiB,
      base: g.base,
      address: g.address,
      mac: g.mac,
      leftovers:
        q && !q.alive ? [...(q.tap ? ['tap'] : []), ...(q.socket ? ['qmp socket'] : [])] : [],
    };
    if (q?.pid !== undefined) {
      st.pid = q.pid;
    }
    if (q?.uptimeSec !== undefined) {
      st.uptimeSec = q.uptimeSec;
    }
    if (q?.accel) {
      st.accel = q.accel;
    }
    if (q?.image) {
      st.image = q.image;
    }
    if ('error' in s) {
      st.detail = `${g.physical}: ${s.error}`;
    } else if (st.state === 'unresponsive') {
      st.detail = `qemu runs, the guest does not answer over SSH (${why(probe?.of(g.name))})`;
    } else if (st.state === 'crashed') {
      st.detail = 'qemu is gone, but the guest was not stopped (`salvo vm start` brings it back)';
    }
    return st;
  });
}

/** The last lines of the guest's serial console. */
export async function guestConsole(dep: Deployment, name: string, lines = 50): Promise<string> {
  const [g] = guestsOf(dep.inventory, [name]);
  const r = await onPhysical(
    dep,
    g!,
    vmCommand('console', { ...baseArgs(dep.inventory, g!), lines }),
    30_000,
  );
  if (!r?.ok) {
    throw new UsageError(`${name}: no console: ${why(r)}`);
  }
  return r.stdout;
}

export interface KillResult {
  name: string;
  ok: boolean;
  how?: string;
  error?: string;
}

/** Forced stop: qemu killed at once (no ACPI), tap and socket removed. */
export async function killGuests(dep: Deployment, names?: string[]): Promise<KillResult[]> {
  const guests = guestsOf(dep.inventory, names);
  return Promise.all(
    guests.map(async (g) => {
      const r = await onPhysical(
        dep,
        g,
        vmCommand('kill', { ...baseArgs(dep.inventory, g), timeout: 0 }),
      );
      return r?.ok
        ? { name: g.name, ok: true, how: parseKeyValues(r.stdout).get('how') ?? 'kill' }
        : { name: g.name, ok: false, error: why(r) };
    }),
  );
}
