// start and stop tincd, always through the pid file. start leaves running daemons alone (it is
// the repair for a daemon that died) and then proves the mesh; stop waits until tincd is gone.
import type { Deployment } from '../../deployment/deployment.js';
import {
  runEach,
  targetMembers,
  tincContext,
  type TincContext,
  type TincOptions,
} from '../context.js';
import type { HostFailure } from '../events.js';
import type { MeshMatrix } from '../matrix.js';
import type { MeshMember } from '../mesh.js';
import { probeMembers } from '../remote/index.js';
import { controlCommand, parseControlPid, type ControlAction } from '../remote/index.js';
import { verifyAndRepair } from './repair.js';
import { DEFAULT_WAIT_MS } from './membership.js';

export interface LifecycleOptions extends TincOptions {
  hosts?: string;
  verify?: boolean;
  waitMs?: number;
}

export interface LifecycleResult {
  netname: string;
  acted: { host: string; pid?: number }[]; // started or stopped
  untouched: string[]; // already running (start) or already stopped (stop)
  failures: HostFailure[];
  matrix?: MeshMatrix;
  repaired: string[];
}

export async function tincStart(
  dep: Deployment,
  opts: LifecycleOptions = {},
): Promise<LifecycleResult> {
  const ctx = tincContext(dep, opts);
  const targets = targetMembers(ctx, opts.hosts);
  const states = await probeMembers(ctx, targets);
  const down = targets.filter((m) => states.get(m.host)?.pid === undefined && states.has(m.host));
  const result = await act(ctx, down, 'start');
  result.untouched = targets
    .filter((m) => states.get(m.host)?.pid !== undefined)
    .map((m) => m.host);
  if (opts.verify !== false) {
    const v = await verifyAndRepair(ctx, { waitMs: opts.waitMs ?? DEFAULT_WAIT_MS });
    result.matrix = v.matrix;
    result.repaired = v.repaired;
  }
  return result;
}

export async function tincStop(
  dep: Deployment,
  opts: LifecycleOptions = {},
): Promise<LifecycleResult> {
  const ctx = tincContext(dep, opts);
  const targets = targetMembers(ctx, opts.hosts);
  const states = await probeMembers(ctx, targets);
  const result = await act(
    ctx,
    targets.filter((m) => states.get(m.host)?.pid !== undefined),
    'stop',
  );
  result.untouched = targets
    .filter((m) => states.has(m.host) && states.get(m.host)?.pid === undefined)
    .map((m) => m.host);
  return result;
}

async function act(
  ctx: TincContext,
  members: readonly MeshMember[],
  action: ControlAction,
): Promise<LifecycleResult> {
  const byHost = new Map(members.map((m) => [m.host, m]));
  const target = (h: string): { netname: string; iface: string; vpn: string } => ({
    netname: ctx.spec.netname,
    iface: ctx.spec.iface,
    vpn: byHost.get(h)!.vpn,
  });
  const done = await runEach(
    ctx,
    'control',
    [...byHost.keys()],
    (h) => ({ command: controlCommand(ctx.paths, target(h), action) }),
    30_000,
  );
  const acted = [...done].map(([host, r]) => {
    const pid = parseControlPid(r.stdout);
    ctx.emit({ kind: 'control', host, action, ...(pid ? { pid } : {}) });
    return pid ? { host, pid } : { host };
  });
  return { netname: ctx.spec.netname, acted, untouched: [], failures: ctx.failures, repaired: [] };
}
