import type { Health } from '../probes/health.js';

// What the driver script prints: `key value` lines (admin/vm/script.ts).
export function parseKeyValues(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^([a-z]+) ?(.*)$/.exec(line.trimEnd());
    if (m) {
      out.set(m[1]!, m[2]!);
    }
  }
  return out;
}

/** One guest as its physical host sees it. */
export interface QemuState {
  wanted: 'running' | 'stopped' | 'never';
  alive: boolean;
  pid?: number;
  uptimeSec?: number;
  accel?: string;
  tap: boolean;
  socket: boolean;
  /** The guest's SSH banner answered (status with an address only). */
  ssh?: boolean;
  hostKey?: string;
  /** The base image the guest last booted. */
  image?: string;
}

export function parseStatus(stdout: string): QemuState {
  const kv = parseKeyValues(stdout);
  const wanted = kv.get('wanted');
  const s: QemuState = {
    wanted: wanted === 'running' || wanted === 'stopped' ? wanted : 'never',
    alive: kv.get('alive') === 'yes',
    tap: kv.get('tap') === 'yes',
    socket: kv.get('socket') === 'yes',
  };
  if (kv.has('ssh')) {
    s.ssh = kv.get('ssh') === 'yes';
  }
  const pid = Number(kv.get('pid'));
  if (Number.isInteger(pid) && pid > 0) {
    s.pid = pid;
  }
  const up = Number(kv.get('elapsed'));
  if (kv.has('elapsed') && Number.isFinite(up)) {
    s.uptimeSec = up;
  }
  if (kv.get('accel')) {
    s.accel = kv.get('accel')!;
  }
  if (kv.get('image')) {
    s.image = kv.get('image')!;
  }
  if (kv.get('hostkey')) {
    s.hostKey = kv.get('hostkey')!;
  }
  return s;
}

/** running: qemu runs and the guest answers SSH; unresponsive: qemu runs, the guest does not;
 * crashed: qemu is gone although the guest was started and not stopped; stopped: on purpose. */
export type GuestState = 'running' | 'unresponsive' | 'crashed' | 'stopped' | 'unknown';

export function guestState(q: QemuState | undefined, answers: boolean): GuestState {
  if (!q) {
    return 'unknown';
  }
  if (q.alive) {
    return answers ? 'running' : 'unresponsive';
  }
  return q.wanted === 'running' ? 'crashed' : 'stopped';
}

/** The rollout gate's view (status run on the physical host with the guest's address). */
export function parseGateHealth(stdout: string, exitCode: number | null): Health {
  if (exitCode !== 0) {
    return { state: 'unhealthy', detail: 'the physical host did not report the guest' };
  }
  const q = parseStatus(stdout);
  if (!q.alive) {
    return {
      state: 'stopped',
      detail: q.wanted === 'running' ? 'crashed: qemu is gone' : 'qemu is not running',
    };
  }
  const h: Health = q.ssh
    ? { state: 'running' }
    : { state: 'unhealthy', detail: 'qemu runs; the guest does not answer SSH (yet)' };
  if (q.pid !== undefined) {
    h.pid = q.pid;
  }
  if (q.uptimeSec !== undefined) {
    h.uptimeSec = q.uptimeSec;
  }
  if (q.image) {
    h.version = q.image; // an upgrade's gate (--image NEW) checks the guest booted NEW
  }
  return h;
}
